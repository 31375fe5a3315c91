// The default provider: a local Ollama through the real `ollama` client on its native /api/chat (not
// the OpenAI shim), because only the native API lets the client set the context window (`num_ctx`) and
// /api/show tells the model's real one. Without num_ctx, Ollama silently cuts prompts at its default.
import { Ollama, type AbortableAsyncIterator, type ChatResponse, type Fetch } from 'ollama';
import { z } from 'zod';
import {
  ProviderError,
  type FinishReason,
  type ModelEvent,
  type ModelInfo,
  type ModelProvider,
  type ModelRequest,
} from '../core/model';
import { chatChunkSchema, showSchema, toOllamaMessages, toOllamaTools } from './ollama-messages';
import { resolveOllamaHost } from './ollama-host';
import {
  abortError,
  errorFromStatus,
  errorFromThrown,
  messageOf,
  retryAfterMs,
  type FailureTarget,
} from './provider-errors';
import { newCallId } from './tool-calls';

export { resolveOllamaHost } from './ollama-host';

export interface OllamaProviderOptions {
  /** Defaults to OLLAMA_HOST, read as Ollama reads it. */
  host?: string;
  fetch?: Fetch;
}

/** Ollama's own default when a model says nothing about its context (`num_ctx`). */
const ollamaDefaultContext = 4096;

/** Where Ollama is reached, and what a failure there says to do. */
interface Connection {
  host: string;
  baseFetch: Fetch;
  target(model: string): FailureTarget;
}

/** An Ollama provider says where its server is: one on this machine shares the GPU with GPU jobs. */
export interface OllamaProvider extends ModelProvider {
  readonly host: string;
}

export function createOllamaProvider(options: OllamaProviderOptions = {}): OllamaProvider {
  const host = resolveOllamaHost(options.host ?? process.env.OLLAMA_HOST);
  const connection: Connection = {
    host,
    baseFetch: options.fetch ?? ((input, init) => fetch(input, init)),
    target: (model) => ({
      server: `Ollama at ${host}`,
      model,
      hints: {
        unavailable: 'start it with `ollama serve`, or set OLLAMA_HOST',
        auth: 'check the credentials of the proxy in front of Ollama',
        modelMissing: `ollama pull ${model}`,
      },
    }),
  };
  return {
    id: 'ollama',
    host,
    stream: (request) => stream(connection, request),
    check: (model, signal) => check(connection, model, signal),
  };
}

async function check(connection: Connection, model: string, signal?: AbortSignal): Promise<ModelInfo> {
  const call = callContext(connection.baseFetch, signal);
  const client = new Ollama({ host: connection.host, fetch: call.fetch });
  try {
    const show = showSchema.parse(await client.show({ model }));
    const capabilities = show.capabilities ?? [];
    return {
      contextLength: contextLengthOf(show.model_info ?? {}),
      // Servers before capabilities existed: a template that renders tools takes them.
      supportsTools: capabilities.length > 0 ? capabilities.includes('tools') : /\.Tools\b/.test(show.template ?? ''),
    };
  } catch (error) {
    throw classify(error, connection.target(model), call, signal);
  }
}

async function* stream(connection: Connection, request: ModelRequest): AsyncGenerator<ModelEvent> {
  const call = callContext(connection.baseFetch, request.signal);
  const client = new Ollama({ host: connection.host, fetch: call.fetch });
  const failure = connection.target(request.model);
  let iterator: AbortableAsyncIterator<ChatResponse>;
  try {
    iterator = await client.chat({
      model: request.model,
      messages: toOllamaMessages(request.messages),
      tools: toOllamaTools(request.tools),
      stream: true,
      ...(request.think !== undefined && { think: request.think }),
      options: {
        ...(request.contextLength !== undefined && { num_ctx: request.contextLength }),
        ...(request.maxOutputTokens !== undefined && { num_predict: request.maxOutputTokens }),
        ...(request.temperature !== undefined && { temperature: request.temperature }),
      },
    });
  } catch (error) {
    throw classify(error, failure, call, request.signal);
  }
  const stop = () => iterator.abort();
  request.signal.addEventListener('abort', stop, { once: true });
  let finished = false;
  try {
    let calledTools = false;
    for await (const raw of iterator) {
      const parsed = chatChunkSchema.safeParse(raw);
      if (!parsed.success) throw notOllama(failure, raw);
      const chunk = parsed.data;
      if (chunk.message?.thinking) yield { type: 'thinking', delta: chunk.message.thinking };
      if (chunk.message?.content) yield { type: 'text', delta: chunk.message.content };
      for (const toolCall of chunk.message?.tool_calls ?? []) {
        calledTools = true;
        const { name, arguments: args } = toolCall.function;
        yield { type: 'tool_call', call: { id: toolCall.id ?? newCallId(), name, arguments: JSON.stringify(args) } };
      }
      if (!chunk.done) continue;
      finished = true;
      yield { type: 'usage', inputTokens: chunk.prompt_eval_count ?? 0, outputTokens: chunk.eval_count ?? 0 };
      yield { type: 'finish', reason: finishReason(chunk.done_reason, calledTools) };
      return;
    }
  } catch (error) {
    throw classify(error, failure, call, request.signal);
  } finally {
    request.signal.removeEventListener('abort', stop);
    // A consumer that stops early must not leave the connection streaming.
    if (!finished) iterator.abort();
  }
}

/** A reply that is not Ollama's: another server answers at that address. Retrying will not help. */
function notOllama(target: FailureTarget, raw: unknown): ProviderError {
  const seen = JSON.stringify(raw)?.slice(0, 200) ?? String(raw);
  return new ProviderError('bad_request', `${target.server} did not answer as Ollama (it sent ${seen})`, {
    hint: 'Check that OLLAMA_HOST names an Ollama server (`ollama serve`, port 11434 by default).',
  });
}

function finishReason(doneReason: string | undefined, calledTools: boolean): FinishReason {
  if (doneReason === 'length') return 'length';
  return calledTools ? 'tool_calls' : 'stop';
}

/** model_info holds `general.architecture` (`llama`) and the window under `<arch>.context_length`. */
export function contextLengthOf(modelInfo: Record<string, unknown>): number {
  const arch = modelInfo['general.architecture'];
  const length = typeof arch === 'string' ? modelInfo[`${arch}.context_length`] : undefined;
  return typeof length === 'number' && length > 0 ? length : ollamaDefaultContext;
}

interface CallContext {
  fetch: Fetch;
  /** Headers of the last response, for `retry-after`: the client's errors drop them. */
  lastHeaders: Headers | undefined;
}

/**
 * A fetch for one call: it follows the caller's signal from the first byte (the client's own abort
 * handle exists only once the response has started) and keeps the response headers.
 */
function callContext(base: Fetch, signal: AbortSignal | undefined): CallContext {
  const context: CallContext = {
    lastHeaders: undefined,
    fetch: async (input, init = {}) => {
      const signals = [init.signal, signal].filter((one): one is AbortSignal => one !== null && one !== undefined);
      const response = await base(input, { ...init, signal: signals.length > 0 ? AbortSignal.any(signals) : null });
      context.lastHeaders = response.headers;
      return response;
    },
  };
  return context;
}

const responseErrorSchema = z.object({ status_code: z.number(), error: z.string() });

function classify(error: unknown, target: FailureTarget, call: CallContext, signal: AbortSignal | undefined) {
  if (signal?.aborted) return abortError(signal);
  const response = responseErrorSchema.safeParse(error);
  if (!response.success) return errorFromThrown(target, error);
  const { status_code: status, error: detail } = response.data;
  return errorFromStatus(target, status, detail || messageOf(error), {
    retryAfterMs: retryAfterMs(call.lastHeaders),
    cause: error,
  });
}
