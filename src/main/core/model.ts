// What the loop needs of a model: one method, `stream`, yielding text deltas, whole tool calls, usage
// and a finish; and a readiness check before a run. Providers (src/main/providers) implement it over
// Ollama, OpenAI-compatible servers and Anthropic; tests implement it with a scripted model.

export interface ToolCallRequest {
  id: string;
  name: string;
  /** The arguments exactly as the model wrote them (JSON text); the loop parses and validates them. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCallRequest[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError?: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  /** The model's name within its provider (`qwen2.5-coder:7b`, not `ollama/qwen2.5-coder:7b`). */
  model: string;
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  /** The context window to use, where the server lets the client choose it (Ollama's num_ctx). */
  contextLength?: number;
  maxOutputTokens?: number;
  temperature?: number;
  /** Whether a thinking model thinks (Ollama's `think`); unset leaves it to the server. */
  think?: boolean;
  signal: AbortSignal;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length';

export type ModelEvent =
  | { type: 'text'; delta: string }
  /** Reasoning a thinking model sent apart from its answer: recorded, never sent back or shown as words. */
  | { type: 'thinking'; delta: string }
  | { type: 'tool_call'; call: ToolCallRequest }
  | ({ type: 'usage' } & TokenUsage)
  | { type: 'finish'; reason: FinishReason };

/**
 * Tokens of one model call. `inputTokens` counts every input token; of those, a provider with prompt
 * caching (Anthropic) says how many were read from its cache and how many were written to it, which
 * are priced apart.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Of the output tokens, those spent on reasoning, where the server says. */
  reasoningTokens?: number;
}

export interface ModelInfo {
  /** The model's real context window in tokens. */
  contextLength: number;
  supportsTools: boolean;
}

export interface ModelProvider {
  /** The provider part of a model name: `ollama`, `openai`, `anthropic`. */
  readonly id: string;
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
  /** Readiness: the server answers, the model exists, its context length is known, it takes tools. */
  check(model: string, signal?: AbortSignal): Promise<ModelInfo>;
}

export type ProviderErrorKind =
  /** The server cannot be reached or is not running. */
  | 'unavailable'
  /** 429 or equivalent; retryAfterMs when the server said how long to wait. */
  | 'rate_limited'
  /** 5xx, a cut stream, a timeout: worth retrying with backoff. */
  | 'transient'
  /** Bad or missing credentials. */
  | 'auth'
  /** The model is not installed or not known to the server. */
  | 'model_missing'
  /** The request does not fit the model's context window. */
  | 'context_overflow'
  /** The server refused the request as malformed; retrying the same request will not help. */
  | 'bad_request';

/** A provider failure, classified so the loop knows whether to retry, wait, compact or stop. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly hint: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { hint?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.hint = options.hint;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Splits `provider/model` (the model part may itself contain slashes: `openai/meta-llama/Llama-3-8B`). */
export function splitModelName(name: string): { provider: string; model: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}
