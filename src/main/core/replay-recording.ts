// What a replay replays: a run's recording, read from its events. The model turns that reached the
// conversation (failed and interrupted attempts left out), each tool result with the step whose call gave
// it, and how each approval was answered, what the person was shown and what then ran.
import type { Content, RunEvent, ToolCall, Usage } from '../../shared/events';
import { handleEvent, type EventHandlers } from '../../shared/event-handlers';
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
  const reading: Reading = {
    recording: { turns: [], results: new Map(), approvals: new Map() },
    stepOf: new Map(),
    summaries: new Map(),
  };
  for (const event of events) handleEvent(RECORDED, event, reading);
  return reading.recording;
}

interface Reading {
  recording: Recording;
  /** The model turn (from 1) that asked for each call. */
  stepOf: Map<string, number>;
  /** What each approval showed the person. */
  summaries: Map<string, string>;
}

const none = () => undefined;

/** What each type of event adds to the recording; what the harness, the jobs or the person added is made again by the replay itself. */
const RECORDED: EventHandlers<void, Reading> = {
  'model.finished': (event, { recording, stepOf }) => {
    const { finishReason, toolCalls, usage } = event.payload;
    if (finishReason === 'error' || finishReason === 'interrupted') return;
    recording.turns.push({ text: text(event.payload.text), toolCalls, finish: finishReason, usage });
    for (const call of toolCalls) stepOf.set(call.id, recording.turns.length);
  },
  'tool.finished': (event, { recording, stepOf }) => {
    const { callId, output, isError } = event.payload;
    recording.results.set(callId, { output: text(output), isError, step: stepOf.get(callId) ?? 0 });
  },
  'approval.requested': (event, { summaries }) => {
    summaries.set(event.payload.callId, text(event.payload.summary));
  },
  'approval.resolved': (event, { recording, summaries }) => {
    const { callId, decision, feedback } = event.payload;
    recording.approvals.set(callId, {
      decision: recordedDecision(decision, text(feedback) || undefined),
      summary: summaries.get(callId),
    });
  },
  'tool.started': (event, { recording }) => {
    const approval = recording.approvals.get(event.payload.callId);
    if (approval?.decision.decision === 'approved') approval.ran = event.payload.args;
  },
  'run.created': none,
  'run.status': none,
  'run.limits': none,
  'run.rule': none,
  'message.user': none,
  'model.started': none,
  'job.started': none,
  'job.metric': none,
  'job.finished': none,
  'job.watch': none,
  'job.progress': none,
  'job.resumed': none,
  'artifact.recorded': none,
  'evaluation.recorded': none,
  'evaluation.failed': none,
  'context.compacted': none,
  'plan.updated': none,
  'workspace.snapshot': none,
  'replay.diverged': none,
  'network.request': none,
  'loop.parked': none,
  'loop.woke': none,
};

/** An approved call has no feedback; a stall question let go on may have a note. */
function recordedDecision(decision: ApprovalDecision['decision'], note: string | undefined): ApprovalDecision {
  if (decision === 'rejected') return { decision, feedback: note };
  return note === undefined ? { decision } : { decision, feedback: note };
}
