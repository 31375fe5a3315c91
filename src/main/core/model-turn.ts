// One model call of the loop: record `model.started`, stream the reply (its words passed on as they
// come), and record `model.finished` with the whole tool calls and usage, whether it ends well or not.
import type { EventDraft, ToolCall } from '../../shared/events';
import { emptyTurn, streamReply, type ModelTurn, type ReplyDeps, type ReplyRequest } from './model-reply';

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
  record([{ type: 'model.started', payload: { callId, model: deps.modelName } }]);
  const { turn, usage } = emptyTurn();
  try {
    await streamReply(deps, request, { turn, usage, show });
  } catch (error) {
    const finishReason = request.signal.aborted ? 'interrupted' : 'error';
    const message = error instanceof Error ? error.message : String(error);
    record([
      {
        type: 'model.finished',
        payload: { callId, text: turn.text, toolCalls: [], finishReason, usage, error: message },
      },
    ]);
    throw error;
  }
  const toolCalls: ToolCall[] = turn.calls.map((call) => ({
    id: call.id,
    name: call.name,
    args: parseArgs(call.arguments),
  }));
  const finishReason = turn.calls.length > 0 && turn.finish === 'stop' ? 'tool_calls' : turn.finish;
  record([{ type: 'model.finished', payload: { callId, text: turn.text, toolCalls, finishReason, usage } }]);
  return turn;
}

/** The arguments as JSON when they parse, else the raw text (kept so the record shows what was sent). */
function parseArgs(text: string): unknown {
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}
