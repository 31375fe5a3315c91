// One reply of the model, however it is used (a turn of the loop, a compaction's summary): streamed
// with an idle timeout and a cap on its length, its usage priced, and retried with backoff while the
// failure is one that waiting can fix.
import type { LoopDeps } from './loop-types';
import type { TextCallFormat } from './model-text-calls';
import {
  ProviderError,
  type ChatMessage,
  type FinishReason,
  type TokenUsage,
  type ToolCallRequest,
  type ToolSpec,
} from './model';
import { profiledRequest } from './model-profile-request';
import { splitUnopenedThinking, ThinkSplitter } from './model-thinking';
import type { Clock } from './ports';

export interface ModelTurn {
  text: string;
  /** A thinking model's reasoning, apart from its words. */
  thinking: string;
  /** Whole calls; those the model wrote as text say so in `recoveredFrom`. */
  calls: (ToolCallRequest & { recoveredFrom?: TextCallFormat })[];
  finish: FinishReason;
}

export type PricedUsage = TokenUsage & { cost: number };

export type ReplyDeps = Pick<
  LoopDeps,
  'provider' | 'model' | 'modelName' | 'modelInfo' | 'profile' | 'price' | 'modelIdleMs'
>;

export interface ReplyRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  signal: AbortSignal;
}

const TRANSIENT_RETRIES = 4;
const RATE_LIMIT_RETRIES = 6;
const MAX_WAIT_MS = 60_000;
/** Longer than any real model writes in one reply (output limits are far lower): past it, it never ends. */
export const MAX_REPLY_CHARS = 1_000_000;
/**
 * How long a model call may yield nothing before it is given up: loading a large model, and a slow model
 * writing a long tool call (which streams no text), both fit well within it.
 */
export const MODEL_IDLE_MS = 30 * 60_000;

/**
 * Streams one reply into `turn` and `usage` (filled as it comes, so a caller sees what arrived before a
 * failure), passing its words to `show`. Throws the provider's error, or a transient one when the
 * server went silent for the idle time.
 */
export async function streamReply(
  deps: ReplyDeps,
  request: ReplyRequest,
  into: { turn: ModelTurn; usage: PricedUsage; show(delta: string): void },
): Promise<void> {
  const { turn, usage } = into;
  const idleMs = deps.modelIdleMs ?? MODEL_IDLE_MS;
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleMs);
  const signal = AbortSignal.any([request.signal, idle.signal]);
  try {
    const stream = deps.provider.stream({
      ...request,
      ...profiledRequest(deps.profile, request),
      signal,
      model: deps.model,
      contextLength: deps.modelInfo.contextLength,
    });
    const splitter = new ThinkSplitter();
    for await (const event of stream) {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
      if (event.type === 'text') show(into, take(turn, splitter.push(event.delta)));
      else if (event.type === 'thinking') take(turn, { text: '', thinking: event.delta });
      else if (event.type === 'tool_call') turn.calls.push(event.call);
      else if (event.type === 'usage') Object.assign(usage, usageOf(event));
      else turn.finish = event.reason;
      if (turn.text.length + turn.thinking.length > MAX_REPLY_CHARS) throw endless(deps.modelName);
    }
    take(turn, splitter.end());
    const unopened = turn.thinking === '' ? splitUnopenedThinking(turn.text) : undefined;
    if (unopened !== undefined) Object.assign(turn, unopened);
  } catch (thrown) {
    throw idle.signal.aborted && !request.signal.aborted ? silent(deps.modelName, idleMs) : thrown;
  } finally {
    clearTimeout(timer);
    usage.cost = deps.price(usage);
  }
}

function show(into: { show(delta: string): void }, delta: string): void {
  if (delta !== '') into.show(delta);
}

/** Adds split words to the turn; returns the answer's part, to show. */
function take(turn: ModelTurn, split: { text: string; thinking: string }): string {
  turn.text += split.text;
  turn.thinking += split.thinking;
  return split.text;
}

function usageOf(event: TokenUsage): TokenUsage {
  return {
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    ...(event.cacheReadTokens !== undefined && { cacheReadTokens: event.cacheReadTokens }),
    ...(event.cacheWriteTokens !== undefined && { cacheWriteTokens: event.cacheWriteTokens }),
    ...(event.reasoningTokens !== undefined && { reasoningTokens: event.reasoningTokens }),
  };
}

export function emptyTurn(): { turn: ModelTurn; usage: PricedUsage } {
  return {
    turn: { text: '', thinking: '', calls: [], finish: 'stop' },
    usage: { inputTokens: 0, outputTokens: 0, cost: 0 },
  };
}

/**
 * Calls `attempt` until it succeeds, waiting between tries as `retryDelay` says. Returns the provider
 * error that waiting will not fix (the caller says what it means); other errors and aborts are thrown.
 */
export async function retrying<T>(
  attempt: () => Promise<T>,
  clock: Clock,
  signal: AbortSignal,
): Promise<{ ok: true; value: T } | { ok: false; error: ProviderError }> {
  for (let tries = 0; ; tries++) {
    try {
      return { ok: true, value: await attempt() };
    } catch (error) {
      if (signal.aborted || !(error instanceof ProviderError)) throw error;
      const wait = retryDelay(error, tries);
      if (wait === undefined) return { ok: false, error };
      await clock.sleep(wait, signal);
    }
  }
}

function endless(model: string): ProviderError {
  return new ProviderError(
    'bad_request',
    `${model} wrote a reply that passed ${MAX_REPLY_CHARS.toLocaleString('en-US')} characters without ending; it was cut off there.`,
    { hint: 'The model is repeating itself: use another model, or a server that stops at an output limit.' },
  );
}

function silent(model: string, idleMs: number): ProviderError {
  return new ProviderError('transient', `${model} sent nothing for ${idleMs / 1000} s; the request was given up.`, {
    hint: 'Check that the model server is still running and not overloaded.',
  });
}

/** How long to wait before retrying, or undefined when retrying will not help. */
export function retryDelay(error: ProviderError, attempt: number): number | undefined {
  const backoff = Math.min(MAX_WAIT_MS, 500 * 2 ** attempt);
  if (error.kind === 'rate_limited' && attempt < RATE_LIMIT_RETRIES)
    return Math.min(MAX_WAIT_MS, error.retryAfterMs ?? backoff);
  if ((error.kind === 'transient' || error.kind === 'unavailable') && attempt < TRANSIENT_RETRIES) return backoff;
  return undefined;
}

export function providerReason(error: ProviderError): string {
  return error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
}
