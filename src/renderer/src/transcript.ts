// A run read in order, as a conversation: the goal, what the person and the model said, each call the
// model made with its approval and output gathered in one place, plans, and how the run ended. Events
// that only a graph or a chart needs (model starts, metrics) are left out.
import { describeEvent } from '../../shared/describe-event';
import type { Content, RunEvent, ToolCall } from '../../shared/events';
import { unreachable } from '../../shared/exhaustive';
import type { RunMetric } from '../../shared/run-summary';

export interface TranscriptCall {
  kind: 'call';
  seq: number;
  /** Every event of the call: the request, approval, start and finish. */
  seqs: number[];
  callId: string;
  tool: string;
  /** The input it ran with (a person may have edited it), else the one the model asked with. */
  args: unknown;
  approval: { decision: 'waiting' | 'approved' | 'rejected'; feedback: Content | undefined } | undefined;
  output: { content: Content; isError: boolean } | undefined;
  /** The format the model wrote the call in as text, when Looplab recovered it from its words. */
  recoveredFrom: ToolCall['recoveredFrom'];
}

export type TranscriptEntry =
  | { kind: 'goal'; seq: number; text: Content }
  | { kind: 'user'; seq: number; text: Content; source: 'person' | 'harness' }
  | { kind: 'model'; seq: number; text: Content; error: Content | undefined; thinking: Content | undefined }
  | TranscriptCall
  | { kind: 'plan'; seq: number; items: { text: string; status: 'pending' | 'in_progress' | 'done' }[] }
  | { kind: 'compaction'; seq: number; summary: Content }
  | TranscriptEvaluation
  | { kind: 'note'; seq: number; type: string; text: string; tone: string };

/** The harness's judgement of an attempt, and whether the loop went on after it. */
export interface TranscriptEvaluation {
  kind: 'evaluation';
  seq: number;
  /** The metric it scored, or why it gave none. */
  result: { metric: RunMetric } | { failed: { metric: string; attempt: number; reason: string } };
  /** Whether the model took more steps after it (a retry). */
  continued: boolean;
}

/** Whether an entry is made of one of these events (a selected graph node's). */
export function entryHas(entry: TranscriptEntry, seqs: ReadonlySet<number>): boolean {
  return entry.kind === 'call' ? entry.seqs.some((seq) => seqs.has(seq)) : seqs.has(entry.seq);
}

/** The transcript of a run's events, in their order. */
export function buildTranscript(events: readonly RunEvent[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  const gather = callGatherer(entries);
  const lastStatus = events.findLast((event) => event.type === 'run.status')?.seq;
  for (const event of events) {
    const entry = entryOf(event, lastStatus);
    if (entry !== undefined) entries.push(entry);
    gather(event);
  }
  markContinued(entries);
  return entries;
}

/**
 * Gathers each call's events into one entry, placed where the call first shows (the model's request,
 * or its approval or start when the request is not in the events).
 */
function callGatherer(entries: TranscriptEntry[]): (event: RunEvent) => void {
  const calls = new Map<string, TranscriptCall>();
  const callFor = (event: RunEvent, callId: string, tool: string, args: unknown): TranscriptCall => {
    const known = calls.get(callId);
    if (known !== undefined) {
      known.seqs.push(event.seq);
      return known;
    }
    const call: TranscriptCall = {
      kind: 'call',
      seq: event.seq,
      seqs: [event.seq],
      callId,
      tool,
      args,
      approval: undefined,
      output: undefined,
      recoveredFrom: undefined,
    };
    calls.set(callId, call);
    entries.push(call);
    return call;
  };
  /** A later event of a call already known; none for a call the events never asked for. */
  const laterEvent = (event: RunEvent, callId: string): TranscriptCall | undefined => {
    const call = calls.get(callId);
    call?.seqs.push(event.seq);
    return call;
  };
  return (event) => {
    switch (event.type) {
      case 'model.finished':
        for (const call of event.payload.toolCalls)
          callFor(event, call.id, call.name, call.args).recoveredFrom = call.recoveredFrom;
        return;
      case 'approval.requested':
        callFor(event, event.payload.callId, event.payload.tool, undefined).approval = {
          decision: 'waiting',
          feedback: undefined,
        };
        return;
      case 'approval.resolved': {
        const call = laterEvent(event, event.payload.callId);
        if (call !== undefined) call.approval = { decision: event.payload.decision, feedback: event.payload.feedback };
        return;
      }
      case 'tool.started':
        callFor(event, event.payload.callId, event.payload.tool, event.payload.args).args = event.payload.args;
        return;
      case 'tool.finished': {
        const call = laterEvent(event, event.payload.callId);
        if (call !== undefined) call.output = { content: event.payload.output, isError: event.payload.isError };
        return;
      }
      default:
        // Every other event is an entry of its own or none (entryOf decides).
        return;
    }
  };
}

/** The entry an event makes on its own: none for a call's events (gathered apart) and for those left out. */
function entryOf(event: RunEvent, lastStatus: number | undefined): TranscriptEntry | undefined {
  switch (event.type) {
    case 'run.created':
      return { kind: 'goal', seq: event.seq, text: event.payload.goal };
    case 'message.user':
      return { kind: 'user', seq: event.seq, text: event.payload.text, source: event.payload.source ?? 'person' };
    case 'model.finished': {
      const { text, error, thinking } = event.payload;
      const said = text !== '' || error !== undefined || thinking !== undefined;
      return said ? { kind: 'model', seq: event.seq, text, error, thinking } : undefined;
    }
    case 'plan.updated':
      return { kind: 'plan', seq: event.seq, items: event.payload.items };
    case 'context.compacted':
      return { kind: 'compaction', seq: event.seq, summary: event.payload.summary };
    case 'evaluation.recorded': {
      const { metric, value, target, better, attempt } = event.payload;
      const result = {
        metric: { name: metric, value, target: target ?? null, better: better ?? 'higher', attempt: attempt ?? null },
      };
      return { kind: 'evaluation', seq: event.seq, result, continued: false };
    }
    case 'evaluation.failed': {
      const { metric, attempt, reason } = event.payload;
      return { kind: 'evaluation', seq: event.seq, result: { failed: { metric, attempt, reason } }, continued: false };
    }
    case 'run.status':
    case 'job.started':
    case 'job.finished':
    case 'loop.parked':
    case 'loop.woke':
    case 'job.watch':
    case 'job.resumed':
    case 'artifact.recorded': {
      if (event.type === 'run.status' && !statusWorthTelling(event.payload.status, event.seq, lastStatus)) return;
      const { text, tone } = describeEvent(event);
      return { kind: 'note', seq: event.seq, type: event.type, text, tone };
    }
    // A refused connection explains the failure that follows; the allowed ones are in the timeline.
    case 'network.request': {
      if (event.payload.allowed) return undefined;
      const { text, tone } = describeEvent(event);
      return { kind: 'note', seq: event.seq, type: event.type, text, tone };
    }
    case 'approval.requested':
    case 'approval.resolved':
    case 'tool.started':
    case 'tool.finished':
    case 'run.limits':
    case 'run.rule':
    case 'model.started':
    case 'job.metric':
    case 'job.progress':
    case 'workspace.snapshot':
    case 'replay.diverged':
      return undefined;
    default:
      return unreachable(event);
  }
}

/**
 * Whether a status change belongs in the transcript: not the loop going on (running, waiting), and not
 * a "finished" the harness took back to evaluate the attempt; a stop, a failure or the run's last word is.
 */
function statusWorthTelling(status: string, seq: number, lastStatus: number | undefined): boolean {
  if (status === 'running' || status === 'waiting') return false;
  return status !== 'finished' || seq === lastStatus;
}

/** Marks each evaluation the model went on from: a model reply or call follows it. */
function markContinued(entries: TranscriptEntry[]): void {
  let modelAfter = false;
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.kind === 'model' || entry.kind === 'call') modelAfter = true;
    if (entry.kind === 'evaluation') entry.continued = modelAfter;
  }
}
