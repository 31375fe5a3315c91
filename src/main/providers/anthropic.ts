// Claude through the real `@anthropic-ai/sdk` Messages API, streamed (read by anthropic-stream.ts). The
// SDK's own retries are off; the loop retries with the run's budget in mind.
import Anthropic from '@anthropic-ai/sdk';
import type { ModelEvent, ModelInfo, ModelProvider, ModelRequest } from '../core/model';
import { ProviderError } from '../core/model';
import { toAnthropicConversation, toAnthropicTools } from './anthropic-messages';
import { MessageStreamReader } from './anthropic-stream';
import { knownContextWindow } from './context-windows';
import {
  abortError,
  errorFromStatus,
  errorFromThrown,
  retryAfterMs,
  unavailable,
  type FailureTarget,
} from './provider-errors';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface AnthropicProviderOptions {
  /** Defaults to ANTHROPIC_API_KEY. */
  apiKey?: string;
  /** Defaults to ANTHROPIC_BASE_URL, else Anthropic's API. */
  baseURL?: string;
  fetch?: Fetch;
}

/** Every current Claude model reads 200k tokens; the models API says so per model where it can. */
const claudeContext = 200_000;
/**
 * The Messages API needs an output limit: the model's own, so that a large file written in one call is
 * not cut off (older models, and models not known here, get 8,192, which every Claude model takes).
 */
const outputLimits: readonly [RegExp, number][] = [
  [/^claude-3-haiku/, 4096],
  [/^claude-3-5-(sonnet|haiku)/, 8192],
  [/^claude-3-7-sonnet/, 64_000],
  [/^claude-opus-4(-0|-1|-2025|$)/, 32_000],
  [/^claude-(sonnet|opus|haiku)-4/, 64_000],
];
export function outputLimitOf(model: string): number {
  return outputLimits.find(([pattern]) => pattern.test(model))?.[1] ?? 8192;
}

/** Where Claude is reached, with what key, and what a failure there says to do. */
interface Connection {
  client(model: string): Anthropic;
  target(model: string): FailureTarget;
}

export function createAnthropicProvider(options: AnthropicProviderOptions = {}): ModelProvider {
  const baseURL = (options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').replace(
    /\/+$/,
    '',
  );
  const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
  const target = (model: string): FailureTarget => ({
    server: `Anthropic at ${baseURL}`,
    model,
    hints: {
      unavailable: 'check the network connection, or set ANTHROPIC_BASE_URL',
      auth: 'set ANTHROPIC_API_KEY to a valid key (console.anthropic.com, API keys)',
      modelMissing: `use a model id that GET ${baseURL}/v1/models lists`,
    },
  });
  let client: Anthropic | undefined;
  const connection: Connection = {
    target,
    client(model) {
      // Without a key the SDK would go looking for profiles and config files; say plainly what is missing.
      if (!apiKey) throw new ProviderError('auth', 'No Anthropic API key is set', { hint: target(model).hints.auth });
      client ??= new Anthropic({ apiKey, baseURL, maxRetries: 0, ...(options.fetch && { fetch: options.fetch }) });
      return client;
    },
  };
  return {
    id: 'anthropic',
    stream: (request) => stream(connection, request),
    check: (model, signal) => check(connection, model, signal),
  };
}

async function check(connection: Connection, model: string, signal?: AbortSignal): Promise<ModelInfo> {
  try {
    const info = await connection.client(model).models.retrieve(model, {}, { signal });
    return {
      contextLength: info.max_input_tokens ?? knownContextWindow(model) ?? claudeContext,
      supportsTools: true,
    };
  } catch (error) {
    throw classify(error, connection.target(model), signal);
  }
}

async function* stream(connection: Connection, request: ModelRequest): AsyncGenerator<ModelEvent> {
  const failure = connection.target(request.model);
  const { system, messages } = toAnthropicConversation(request.messages);
  const reader = new MessageStreamReader();
  try {
    const events = await connection.client(request.model).messages.create(
      {
        model: request.model,
        max_tokens: request.maxOutputTokens ?? outputLimitOf(request.model),
        messages,
        ...(system !== undefined && { system }),
        ...(request.tools.length > 0 && { tools: toAnthropicTools(request.tools) }),
        stream: true,
      },
      { signal: request.signal },
    );
    for await (const event of events) yield* reader.read(event);
  } catch (error) {
    throw classify(error, failure, request.signal);
  }
  // The SDK ends a stream quietly when its signal aborts.
  if (request.signal.aborted) throw abortError(request.signal);
  yield* reader.end(failure.server);
}

function classify(error: unknown, target: FailureTarget, signal: AbortSignal | undefined) {
  if (signal?.aborted || error instanceof Anthropic.APIUserAbortError) return signal ? abortError(signal) : error;
  if (error instanceof Anthropic.APIConnectionTimeoutError) return errorFromThrown(target, error);
  if (error instanceof Anthropic.APIConnectionError) return unavailable(target, error);
  if (!(error instanceof Anthropic.APIError)) return errorFromThrown(target, error);
  const detail = error.apiMessage ?? error.message;
  // An `event: error` inside a stream has no status: the stream broke after it started.
  if (error.status === undefined) return errorFromThrown(target, new Error(detail, { cause: error }));
  return errorFromStatus(target, error.status, detail, { retryAfterMs: retryAfterMs(error.headers), cause: error });
}
