// The abort cases every model provider must pass, through its real client against its fake server:
// stopping mid-stream (and closing the connection), and stopping before the response starts.
import { expect, it, vi } from 'vitest';
import type { ModelProvider } from '../../src/main/core/model';
import { collectFailure, failureOf, request } from './collect';
import type { FakeServer } from './http-fake';

interface AbortCase {
  /** Starts the fake server with these turns and a provider talking to it. */
  start(options: {
    turns: { text: string[]; stallAfter?: number; delayMs?: number }[];
  }): Promise<{ server: FakeServer; provider: ModelProvider }>;
  model?: string;
  /** How many wire chunks carry the first text delta (then the server stalls). */
  chunksToFirstText: number;
}

export function abortCases({ start, model, chunksToFirstText }: AbortCase): void {
  const requestWith = (signal: AbortSignal) => request({ ...(model ? { model } : {}), signal });

  it('stops mid-stream when the signal aborts, and closes the connection', async () => {
    const { server, provider } = await start({ turns: [{ text: ['first', 'never'], stallAfter: chunksToFirstText }] });
    const controller = new AbortController();
    const events: unknown[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of provider.stream(requestWith(controller.signal))) {
          events.push(event);
          controller.abort();
        }
      })(),
    );
    expect(events).toEqual([{ type: 'text', delta: 'first' }]);
    expect((error as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(server.requests[0]?.closedEarly).toBe(true));
  });

  it('stops before the response starts', async () => {
    const { server, provider } = await start({ turns: [{ text: ['late'], delayMs: 20_000 }] });
    const controller = new AbortController();
    // Abort once the server holds the request and is still silent: had the abort no effect, the stream
    // would end with the late answer instead of an AbortError.
    const collected = collectFailure(provider.stream(requestWith(controller.signal)));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const { events, error } = await collected;
    expect(events).toEqual([]);
    expect((error as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(server.requests[0]?.closedEarly).toBe(true));
  });
}
