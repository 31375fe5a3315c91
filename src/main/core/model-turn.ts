// One model call of the loop: record `model.started`, stream the reply (its words passed on as they
// come), and record `model.finished` with the whole tool calls and usage, whether it ends well or not.
import type { EventDraft, ToolCall } from '../../shared/events';
import { emptyTurn, streamReply, type ModelTurn, type ReplyDeps, type ReplyRequest } from './model-reply';
import { recoverTextCalls } from './model-text-calls';

export type { ModelTurn } from './model-reply';

export interface TurnContext {
  deps: ReplyDeps;
  callId: string;
  record(drafts: EventDraft[]): void;
  /** Shows the reply's words as they come (redacted by the run's recorder). */
  stream(delta: string): void;
}

export async function streamTurn(
  { deps, callId, record, stream: show }: TurnContext,
  request: ReplyRequest,
): Promise<ModelTurn> {
  const profile = deps.profile !== undefined && Object.keys(deps.profile).length > 0 ? { profile: deps.profile } : {};
  record([{ type: 'model.started', payload: { callId, model: deps.modelName, ...profile } }]);
  const { turn, usage } = emptyTurn();
  try {
    await streamReply(deps, request, { turn, usage, show });
  } catch (error) {
    const finishReason = request.signal.aborted ? ('interrupted' as const) : ('error' as const);
    const message = error instanceof Error ? error.message : String(error);
    const payload = { callId, text: turn.text, ...thinkingOf(turn), toolCalls: [], finishReason, usage };
    record([{ type: 'model.finished', payload: { ...payload, error: message } }]);
    throw error;
  }
  recoverCalls(turn, request, callId);
  const toolCalls: ToolCall[] = turn.calls.map((call) => ({
    id: call.id,
    name: call.name,
    args: parseArgs(call.arguments),
    ...(call.recoveredFrom !== undefined && { recoveredFrom: call.recoveredFrom }),
  }));
  const finishReason = turn.calls.length > 0 && turn.finish === 'stop' ? 'tool_calls' : turn.finish;
  const payload = { callId, text: turn.text, ...thinkingOf(turn), toolCalls, finishReason, usage };
  record([{ type: 'model.finished', payload }]);
  return turn;
}

/**
 * A reply without calls whose words hold calls written as text, for tools this request offered: they
 * become the turn's calls (ids made from the model call's), and their text leaves the words.
 */
function recoverCalls(turn: ModelTurn, request: ReplyRequest, callId: string): void {
  if (turn.calls.length > 0 || turn.finish === 'length') return;
  const offered = new Set(request.tools.map((tool) => tool.name));
  const recovered = recoverTextCalls(turn.text, offered, (index) => `${callId}-text-${index + 1}`);
  if (recovered.calls.length === 0) return;
  turn.text = recovered.text;
  turn.calls = recovered.calls;
}

function thinkingOf(turn: ModelTurn): { thinking?: string } {
  const thinking = turn.thinking.trim();
  return thinking === '' ? {} : { thinking };
}

/** The arguments as JSON when they parse, else the raw text (kept so the record shows what was sent). */
function parseArgs(text: string): unknown {
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}
