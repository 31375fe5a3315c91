// What a replay replays: a run's recording, read from its events. The model turns that reached the
// conversation (failed and interrupted attempts left out), each tool result with the step whose call gave
// it, and how each approval was answered, what the person was shown and what then ran.
import type { Content, RunEvent, ToolCall, Usage } from '../../shared/events';
import { unreachable } from '../../shared/exhaustive';
import type { FinishReason } from './model';
import type { ApprovalDecision } from './ports';

export interface RecordedTurn {
  text: string;
  toolCalls: ToolCall[];
  finish: FinishReason;
  usage: Usage;
}

export interface RecordedResult {
  output: string;
  isError: boolean;
  /** The model turn (from 1) whose call gave it. */
  step: number;
}

export interface RecordedApproval {
  decision: ApprovalDecision;
  /** What the person was shown when asked. */
  summary: string | undefined;
  /** The input the approved call then ran with (a person here may have edited it). */
  ran?: unknown;
}

export interface Recording {
  /** Replies that reached the conversation, in order (failed and interrupted attempts left out). */
  turns: RecordedTurn[];
  results: Map<string, RecordedResult>;
  /** How each call a person was asked about was answered, what they were shown and what then ran. */
  approvals: Map<string, RecordedApproval>;
}

function text(content: Content | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.preview;
}

/** The recording of a run, from its events with large text inline. */
export function readRecording(events: readonly RunEvent[]): Recording {
  const recording: Recording = { turns: [], results: new Map(), approvals: new Map() };
  const stepOf = new Map<string, number>();
  const summaries = new Map<string, string>();
  for (const event of events) {
    switch (event.type) {
      case 'model.finished': {
        const { finishReason, toolCalls, usage } = event.payload;
        if (finishReason === 'error' || finishReason === 'interrupted') break;
        recording.turns.push({ text: text(event.payload.text), toolCalls, finish: finishReason, usage });
        for (const call of toolCalls) stepOf.set(call.id, recording.turns.length);
        break;
      }
      case 'tool.finished': {
        const { callId, output, isError } = event.payload;
        recording.results.set(callId, { output: text(output), isError, step: stepOf.get(callId) ?? 0 });
        break;
      }
      case 'approval.requested':
        summaries.set(event.payload.callId, text(event.payload.summary));
        break;
      case 'approval.resolved': {
        const { callId, decision, feedback } = event.payload;
        recording.approvals.set(callId, {
          decision: recordedDecision(decision, text(feedback) || undefined),
          summary: summaries.get(callId),
        });
        break;
      }
      case 'tool.started': {
        const approval = recording.approvals.get(event.payload.callId);
        if (approval?.decision.decision === 'approved') approval.ran = event.payload.args;
        break;
      }
      // What the harness, the jobs or the person added: made again by the replay itself.
      case 'run.created':
      case 'run.status':
      case 'run.limits':
      case 'run.rule':
      case 'message.user':
      case 'model.started':
      case 'job.started':
      case 'job.metric':
      case 'job.finished':
      case 'job.watch':
      case 'job.progress':
      case 'job.resumed':
      case 'artifact.recorded':
      case 'evaluation.recorded':
      case 'evaluation.failed':
      case 'context.compacted':
      case 'plan.updated':
      case 'workspace.snapshot':
      case 'replay.diverged':
      case 'network.request':
      case 'loop.parked':
      case 'loop.woke':
        break;
      default:
        unreachable(event);
    }
  }
  return recording;
}

/** An approved call has no feedback; a stall question let go on may have a note. */
function recordedDecision(decision: ApprovalDecision['decision'], note: string | undefined): ApprovalDecision {
  if (decision === 'rejected') return { decision, feedback: note };
  return note === undefined ? { decision } : { decision, feedback: note };
}
