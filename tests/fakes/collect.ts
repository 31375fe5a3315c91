// Small helpers for driving a ModelProvider in tests: gather a stream's events, catch what it throws,
// and find a port nothing listens on.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ModelEvent, ModelProvider, ModelRequest } from '../../src/main/core/model';

export async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The events seen before the stream failed, and what it threw. */
export async function collectFailure(
  stream: AsyncIterable<ModelEvent>,
): Promise<{ events: ModelEvent[]; error: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  throw new Error(`the stream was expected to fail, but it ended after ${JSON.stringify(events)}`);
}

export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call was expected to fail, but it succeeded');
}

/** The fields of an error the tests compare whole. */
export function describeError(error: unknown) {
  const { name, message, kind, hint, retryAfterMs } = error as Record<string, unknown>;
  return { name, message, kind, hint, retryAfterMs };
}

export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'qwen2.5-coder:7b',
    messages: [{ role: 'user', content: 'hello' }],
    tools: [],
    signal: new AbortController().signal,
    ...overrides,
  };
}

export function streamOf(provider: ModelProvider, overrides: Partial<ModelRequest> = {}) {
  return provider.stream(request(overrides));
}

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
