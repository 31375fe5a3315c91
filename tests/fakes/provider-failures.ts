// The failure cases every model provider must classify, through its real client against its fake
// server: an HTTP status (each provider's own table of what its server says), answered once and never
// retried by the provider itself; a stream cut mid-way; and an error event mid-stream, in the server's
// words. Each keeps the events that arrived before it.
import { expect, it } from 'vitest';
import type { ModelProvider } from '../../src/main/core/model';
import { collectFailure, describeError, streamOf } from './collect';
import type { FakeServer } from './http-fake';
import type { FailureTurn, Turn } from './script';

/** How a status is classified: its kind, what the message says after `answered`, the hint and wait. */
export interface StatusCase {
  kind: string;
  said: string;
  hint?: string;
  retryAfterMs?: number;
}

interface FailureCases {
  /** Starts the fake server with these turns and a provider talking to it. */
  start(options: { turns: Turn[] }): Promise<{ server: FakeServer; provider: ModelProvider }>;
  model?: string;
  /** How messages name the server: `Anthropic at http://127.0.0.1:…`. */
  at(server: FakeServer): string;
  /** The model calls that reached the server. */
  calls(server: FakeServer): unknown[];
  /** The wire chunk after which the stream is cut: two text deltas have arrived by then. */
  cutAfter: number;
  /** The error event sent after the first text delta. */
  errorAfter: { chunks: number; message: string };
}

export function failureCases(cases: FailureCases, statuses: [string, FailureTurn, StatusCase][]): void {
  const { start, at, calls } = cases;
  const stream = (provider: ModelProvider) =>
    streamOf(provider, cases.model === undefined ? {} : { model: cases.model });

  it.each(statuses)('classifies %s, without retrying it', async (_label, turn, expected) => {
    const { server, provider } = await start({ turns: [turn, { text: ['a retry would get this'] }] });
    const { events, error } = await collectFailure(stream(provider));
    expect(events).toEqual([]);
    expect(describeError(error)).toEqual({
      name: 'ProviderError',
      kind: expected.kind,
      message: `${at(server)} answered ${expected.said}`,
      hint: expected.hint,
      retryAfterMs: expected.retryAfterMs,
    });
    expect(calls(server)).toHaveLength(1);
  });

  it('classifies a stream cut mid-way as transient, after the chunks that arrived', async () => {
    const { server, provider } = await start({ turns: [{ text: ['one', 'two', 'three'], cutAfter: cases.cutAfter }] });
    const { events, error } = await collectFailure(stream(provider));
    expect(events).toEqual([
      { type: 'text', delta: 'one' },
      { type: 'text', delta: 'two' },
    ]);
    expect(describeError(error)).toMatchObject({ name: 'ProviderError', kind: 'transient' });
    expect((error as Error).message.startsWith(`${at(server)} failed mid-stream: `)).toBe(true);
  });

  it('classifies an error event mid-stream as transient, with the server’s words', async () => {
    const { server, provider } = await start({ turns: [{ text: ['one', 'two'], errorAfter: cases.errorAfter }] });
    const { events, error } = await collectFailure(stream(provider));
    expect(events).toEqual([{ type: 'text', delta: 'one' }]);
    expect(describeError(error)).toEqual({
      name: 'ProviderError',
      kind: 'transient',
      message: `${at(server)} failed mid-stream: ${cases.errorAfter.message}`,
      hint: undefined,
      retryAfterMs: undefined,
    });
  });
}
