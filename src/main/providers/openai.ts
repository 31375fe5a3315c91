// Any server speaking OpenAI's chat completions (OpenAI itself, vLLM, LM Studio, llama.cpp, the Hugging
// Face router) through the real `openai` client. It streams with usage included, joins tool-call deltas
// by index into whole calls, and leaves retries to the loop, which knows the run's budget.
import OpenAI from 'openai';
import type { FinishReason, ModelEvent, ModelInfo, ModelProvider, ModelRequest } from '../core/model';
import { ProviderError } from '../core/model';
import { errorDetailOf, modelInfoOf, toOpenAIMessages, toOpenAITools } from './openai-messages';
import {
  abortError,
  errorFromStatus,
  errorFromThrown,
  modelMissing,
  retryAfterMs,
  unavailable,
  type FailureTarget,
} from './provider-errors';
import { ToolCallBuffer } from './tool-calls';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface OpenAIProviderOptions {
  /** Defaults to OPENAI_BASE_URL, else OpenAI's own API. */
  baseURL?: string;
  /** Defaults to OPENAI_API_KEY; local servers that need none get a placeholder. */
  apiKey?: string;
  /** The provider part of model names: `openai`, `hf`. */
  id?: string;
  /** Who answers, for messages: `Hugging Face router`. */
  label?: string;
  /** The variable that holds the key, for hints. */
  apiKeyEnv?: string;
  fetch?: Fetch;
}

const openAIURL = 'https://api.openai.com/v1';

export function createOpenAIProvider(options: OpenAIProviderOptions = {}): ModelProvider {
  const baseURL = (options.baseURL ?? process.env.OPENAI_BASE_URL ?? openAIURL).replace(/\/+$/, '');
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed';
  const apiKeyEnv = options.apiKeyEnv ?? 'OPENAI_API_KEY';
  const isOpenAI = baseURL === openAIURL;
  const label = options.label ?? (isOpenAI ? 'OpenAI' : 'the OpenAI-compatible server');
  const baseFetch: Fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const target = (model: string): FailureTarget => ({
    server: `${label} at ${baseURL}`,
    model,
    hints: {
      unavailable: isOpenAI
        ? 'check the network connection, or set OPENAI_BASE_URL to a local server'
        : `start the server at ${baseURL}, or set OPENAI_BASE_URL to where it listens`,
      auth: `set ${apiKeyEnv} to a valid key`,
      modelMissing: `use a model that GET ${baseURL}/models lists`,
    },
  });
  // One client per call, so an error body read by its fetch belongs to that call alone.
  const clientFor = (call: CallContext) => new OpenAI({ baseURL, apiKey, maxRetries: 0, fetch: call.fetch });

  async function check(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const call = callContext(baseFetch);
    const client = clientFor(call);
    let found: unknown;
    try {
      found = await findModel(client, model, signal);
    } catch (error) {
      throw classify(error, target(model), call, signal);
    }
    if (found === undefined) throw modelMissing(target(model), `not among the models it lists`);
    return modelInfoOf(model, found);
  }

  async function* stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
    const call = callContext(baseFetch);
    const failure = target(request.model);
    const calls = new ToolCallBuffer();
    let finish: FinishReason | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    let received = false;
    try {
      const chunks = await clientFor(call).chat.completions.create(
        {
          model: request.model,
          messages: toOpenAIMessages(request.messages),
          ...(request.tools.length > 0 && { tools: toOpenAITools(request.tools) }),
          stream: true,
          stream_options: { include_usage: true },
          // OpenAI's reasoning models take only the newer name; other servers know only the older one.
          ...(request.maxOutputTokens !== undefined &&
            (isOpenAI ? { max_completion_tokens: request.maxOutputTokens } : { max_tokens: request.maxOutputTokens })),
          ...(request.temperature !== undefined && { temperature: request.temperature }),
        },
        { signal: request.signal },
      );
      for await (const chunk of chunks) {
        if (!Array.isArray(chunk.choices)) throw notOpenAI(failure, chunk);
        received = true;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices.find((one) => one.index === 0);
        if (!choice) continue;
        if (choice.delta?.content) yield { type: 'text', delta: choice.delta.content };
        for (const part of choice.delta?.tool_calls ?? []) {
          calls.add(part.index, { id: part.id, name: part.function?.name, arguments: part.function?.arguments });
        }
        if (!choice.finish_reason) continue;
        const completed = calls.takeAll();
        for (const completedCall of completed) yield { type: 'tool_call', call: completedCall };
        finish = finishReason(choice.finish_reason, completed.length > 0);
      }
    } catch (error) {
      throw classify(error, failure, call, request.signal);
    }
    // The SDK ends a stream quietly when its signal aborts.
    if (request.signal.aborted) throw abortError(request.signal);
    if (!received) throw notOpenAI(failure, undefined);
    if (finish === undefined) {
      throw new ProviderError('transient', `${failure.server} ended the stream before the model finished`);
    }
    if (usage) yield { type: 'usage', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
    yield { type: 'finish', reason: finish };
  }

  return { id: options.id ?? 'openai', stream, check };
}

/** A reply that is not a chat completion stream: something else answers at that address. Retrying will not help. */
function notOpenAI(target: FailureTarget, chunk: unknown): ProviderError {
  const seen = chunk === undefined ? 'no completion chunks' : `${JSON.stringify(chunk).slice(0, 200)}`;
  return new ProviderError('bad_request', `${target.server} did not answer as an OpenAI-compatible server (${seen})`, {
    hint: 'Check that the base URL (OPENAI_BASE_URL) is the server’s API, usually ending in /v1.',
  });
}

/** GET /models/{id} where the server has it (OpenAI, LM Studio), else the model's entry in GET /models. */
async function findModel(client: OpenAI, model: string, signal: AbortSignal | undefined): Promise<unknown> {
  try {
    return await client.models.retrieve(model, { signal });
  } catch (error) {
    if (!(error instanceof OpenAI.NotFoundError)) throw error;
  }
  try {
    for await (const entry of client.models.list({ signal })) if (entry.id === model) return entry;
    return undefined;
  } catch (error) {
    // A server that lists nothing cannot say; the first request will.
    if (error instanceof OpenAI.NotFoundError) return { id: model };
    throw error;
  }
}

function finishReason(reason: string, calledTools: boolean): FinishReason {
  if (reason === 'length') return 'length';
  // Several servers say `stop` after tool calls.
  return reason === 'tool_calls' || reason === 'function_call' || calledTools ? 'tool_calls' : 'stop';
}

interface CallContext {
  fetch: Fetch;
  /** The body of the last error response: the SDK keeps only OpenAI's own error shape. */
  errorBody: string | undefined;
}

function callContext(base: Fetch): CallContext {
  const context: CallContext = {
    errorBody: undefined,
    fetch: async (input, init) => {
      const response = await base(input, init);
      if (!response.ok)
        context.errorBody = await response
          .clone()
          .text()
          .catch(() => undefined);
      return response;
    },
  };
  return context;
}

function classify(error: unknown, target: FailureTarget, call: CallContext, signal: AbortSignal | undefined) {
  if (signal?.aborted || error instanceof OpenAI.APIUserAbortError) return signal ? abortError(signal) : error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return errorFromThrown(target, error);
  if (error instanceof OpenAI.APIConnectionError) return unavailable(target, error);
  if (!(error instanceof OpenAI.APIError)) return errorFromThrown(target, error);
  // An error event inside a stream has no status: the stream broke after it started.
  if (error.status === undefined) return errorFromThrown(target, error);
  const detail = errorDetailOf(call.errorBody) ?? error.message;
  return errorFromStatus(target, error.status, detail, { retryAfterMs: retryAfterMs(error.headers), cause: error });
}
