// One model call of the loop: stream the reply (passing its words on as they come), collect whole tool
// calls and usage, and record `model.finished` whether it ends well or not. Also which failures are
// worth retrying, and after how long.
import type { EventDraft, ToolCall } from '../../shared/events';
import type { LoopDeps } from './loop';
import {
  ProviderError,
  type ChatMessage,
  type FinishReason,
  type TokenUsage,
  type ToolCallRequest,
  type ToolSpec,
} from './model';

export interface ModelTurn {
  text: string;
  calls: ToolCallRequest[];
  finish: FinishReason;
}

export interface TurnContext {
  deps: Pick<LoopDeps, 'provider' | 'model' | 'modelName' | 'modelInfo' | 'price' | 'modelIdleMs'>;
  callId: string;
  record(drafts: EventDraft[]): void;
  /** Shows the reply's words as they come (redacted by the run's recorder). */
  stream(delta: string): void;
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

export async function streamTurn(
  { deps, callId, record, stream: show }: TurnContext,
  request: { messages: ChatMessage[]; tools: ToolSpec[]; signal: AbortSignal },
): Promise<ModelTurn> {
  record([{ type: 'model.started', payload: { callId, model: deps.modelName } }]);
  const turn: ModelTurn = { text: '', calls: [], finish: 'stop' };
  const usage: TokenUsage & { cost: number } = { inputTokens: 0, outputTokens: 0, cost: 0 };
  const idleMs = deps.modelIdleMs ?? MODEL_IDLE_MS;
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleMs);
  const signal = AbortSignal.any([request.signal, idle.signal]);
  try {
    const stream = deps.provider.stream({
      ...request,
      signal,
      model: deps.model,
      contextLength: deps.modelInfo.contextLength,
    });
    for await (const event of stream) {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
      if (event.type === 'text') {
        turn.text += event.delta;
        show(event.delta);
        if (turn.text.length > MAX_REPLY_CHARS) throw endless(deps.modelName);
      } else if (event.type === 'tool_call') turn.calls.push(event.call);
      else if (event.type === 'usage')
        Object.assign(usage, {
          inputTokens: event.inputTokens,
          outputTokens: event.outputTokens,
          ...(event.cacheReadTokens !== undefined && { cacheReadTokens: event.cacheReadTokens }),
          ...(event.cacheWriteTokens !== undefined && { cacheWriteTokens: event.cacheWriteTokens }),
        });
      else turn.finish = event.reason;
    }
  } catch (thrown) {
    const error = idle.signal.aborted && !request.signal.aborted ? silent(deps.modelName, idleMs) : thrown;
    usage.cost = deps.price(usage);
    const finishReason = request.signal.aborted ? 'interrupted' : 'error';
    const message = error instanceof Error ? error.message : String(error);
    record([
      {
        type: 'model.finished',
        payload: { callId, text: turn.text, toolCalls: [], finishReason, usage, error: message },
      },
    ]);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  usage.cost = deps.price(usage);
  const toolCalls: ToolCall[] = turn.calls.map((call) => ({
    id: call.id,
    name: call.name,
    args: parseArgs(call.arguments),
  }));
  const finishReason = turn.calls.length > 0 && turn.finish === 'stop' ? 'tool_calls' : turn.finish;
  record([{ type: 'model.finished', payload: { callId, text: turn.text, toolCalls, finishReason, usage } }]);
  return turn;
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

/** The arguments as JSON when they parse, else the raw text (kept so the record shows what was sent). */
function parseArgs(text: string): unknown {
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}
