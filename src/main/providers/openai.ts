// Any server speaking OpenAI's chat completions (OpenAI itself, vLLM, LM Studio, llama.cpp, the Hugging
// Face router) through the real `openai` client. It streams with usage included (read by
// openai-stream.ts), and leaves retries to the loop, which knows the run's budget.
import OpenAI from 'openai';
import type { ModelEvent, ModelInfo, ModelProvider, ModelRequest } from '../core/model';
import { errorDetailOf, modelInfoOf, toOpenAIMessages, toOpenAITools } from './openai-messages';
import { CompletionStreamReader } from './openai-stream';
import {
  abortError,
  errorFromStatus,
  errorFromThrown,
  modelMissing,
  retryAfterMs,
  unavailable,
  type FailureTarget,
} from './provider-errors';

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

/** Where the server is reached, with what key, and what a failure there says to do. */
interface Connection {
  isOpenAI: boolean;
  baseFetch: Fetch;
  /** One client per call, so an error body read by its fetch belongs to that call alone. */
  client(call: CallContext): OpenAI;
  target(model: string): FailureTarget;
}

export function createOpenAIProvider(options: OpenAIProviderOptions = {}): ModelProvider {
  const baseURL = (options.baseURL ?? process.env.OPENAI_BASE_URL ?? openAIURL).replace(/\/+$/, '');
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed';
  const apiKeyEnv = options.apiKeyEnv ?? 'OPENAI_API_KEY';
  const isOpenAI = baseURL === openAIURL;
  const label = options.label ?? (isOpenAI ? 'OpenAI' : 'the OpenAI-compatible server');
  const connection: Connection = {
    isOpenAI,
    baseFetch: options.fetch ?? ((input, init) => fetch(input, init)),
    client: (call) => new OpenAI({ baseURL, apiKey, maxRetries: 0, fetch: call.fetch }),
    target: (model) => ({
      server: `${label} at ${baseURL}`,
      model,
      hints: {
        unavailable: isOpenAI
          ? 'check the network connection, or set OPENAI_BASE_URL to a local server'
          : `start the server at ${baseURL}, or set OPENAI_BASE_URL to where it listens`,
        auth: `set ${apiKeyEnv} to a valid key`,
        modelMissing: `use a model that GET ${baseURL}/models lists`,
      },
    }),
  };
  return {
    id: options.id ?? 'openai',
    stream: (request) => stream(connection, request),
    check: (model, signal) => check(connection, model, signal),
  };
}

async function check(connection: Connection, model: string, signal?: AbortSignal): Promise<ModelInfo> {
  const call = callContext(connection.baseFetch);
  const client = connection.client(call);
  let found: unknown;
  try {
    found = await findModel(client, model, signal);
  } catch (error) {
    throw classify(error, connection.target(model), call, signal);
  }
  if (found === undefined) throw modelMissing(connection.target(model), `not among the models it lists`);
  return modelInfoOf(model, found);
}

async function* stream(connection: Connection, request: ModelRequest): AsyncGenerator<ModelEvent> {
  const call = callContext(connection.baseFetch);
  const failure = connection.target(request.model);
  const reader = new CompletionStreamReader(failure);
  try {
    const chunks = await connection.client(call).chat.completions.create(
      {
        model: request.model,
        messages: toOpenAIMessages(request.messages),
        ...(request.tools.length > 0 && { tools: toOpenAITools(request.tools) }),
        stream: true,
        stream_options: { include_usage: true },
        // OpenAI's reasoning models take only the newer name; other servers know only the older one.
        ...(request.maxOutputTokens !== undefined &&
          (connection.isOpenAI
            ? { max_completion_tokens: request.maxOutputTokens }
            : { max_tokens: request.maxOutputTokens })),
        ...(request.temperature !== undefined && { temperature: request.temperature }),
      },
      { signal: request.signal },
    );
    for await (const chunk of chunks) yield* reader.read(chunk);
  } catch (error) {
    throw classify(error, failure, call, request.signal);
  }
  // The SDK ends a stream quietly when its signal aborts.
  if (request.signal.aborted) throw abortError(request.signal);
  yield* reader.end();
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
