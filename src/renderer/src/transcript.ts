// A run read in order, as a conversation: the goal, what the person and the model said, each call the
// model made with its approval and output gathered in one place, plans, and how the run ended. Events
// that only a graph or a chart needs (model starts, metrics) are left out.
import { describeEvent } from '../../shared/describe-event';
import type { Content, RunEvent } from '../../shared/events';
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
}

export type TranscriptEntry =
  | { kind: 'goal'; seq: number; text: Content }
  | { kind: 'user'; seq: number; text: Content; source: 'person' | 'harness' }
  | { kind: 'model'; seq: number; text: Content; error: Content | undefined }
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
    };
    calls.set(callId, call);
    entries.push(call);
    return call;
  };

  const lastStatus = events.findLast((event) => event.type === 'run.status')?.seq;
  for (const event of events) {
    switch (event.type) {
      case 'run.created':
        entries.push({ kind: 'goal', seq: event.seq, text: event.payload.goal });
        break;
      case 'message.user':
        entries.push({
          kind: 'user',
          seq: event.seq,
          text: event.payload.text,
          source: event.payload.source ?? 'person',
        });
        break;
      case 'model.finished': {
        const { text, error, toolCalls } = event.payload;
        if (text !== '' || error !== undefined) entries.push({ kind: 'model', seq: event.seq, text, error });
        for (const call of toolCalls) callFor(event, call.id, call.name, call.args);
        break;
      }
      case 'approval.requested':
        callFor(event, event.payload.callId, event.payload.tool, undefined).approval = {
          decision: 'waiting',
          feedback: undefined,
        };
        break;
      case 'approval.resolved': {
        const call = calls.get(event.payload.callId);
        if (call === undefined) break;
        call.approval = { decision: event.payload.decision, feedback: event.payload.feedback };
        call.seqs.push(event.seq);
        break;
      }
      case 'tool.started':
        callFor(event, event.payload.callId, event.payload.tool, event.payload.args).args = event.payload.args;
        break;
      case 'tool.finished': {
        const call = calls.get(event.payload.callId);
        if (call === undefined) break;
        call.output = { content: event.payload.output, isError: event.payload.isError };
        call.seqs.push(event.seq);
        break;
      }
      case 'plan.updated':
        entries.push({ kind: 'plan', seq: event.seq, items: event.payload.items });
        break;
      case 'context.compacted':
        entries.push({ kind: 'compaction', seq: event.seq, summary: event.payload.summary });
        break;
      case 'evaluation.recorded': {
        const { metric, value, target, better, attempt } = event.payload;
        const result = {
          metric: { name: metric, value, target: target ?? null, better: better ?? 'higher', attempt: attempt ?? null },
        };
        entries.push({ kind: 'evaluation', seq: event.seq, result, continued: false });
        break;
      }
      case 'evaluation.failed': {
        const { metric, attempt, reason } = event.payload;
        entries.push({
          kind: 'evaluation',
          seq: event.seq,
          result: { failed: { metric, attempt, reason } },
          continued: false,
        });
        break;
      }
      case 'run.status':
      case 'job.started':
      case 'job.finished':
      case 'job.watch':
      case 'job.resumed':
      case 'artifact.recorded': {
        if (event.type === 'run.status' && !statusWorthTelling(event.payload.status, event.seq, lastStatus)) break;
        const { text, tone } = describeEvent(event);
        entries.push({ kind: 'note', seq: event.seq, type: event.type, text, tone });
        break;
      }
      // A refused connection explains the failure that follows; the allowed ones are in the timeline.
      case 'network.request':
        if (!event.payload.allowed) {
          const { text, tone } = describeEvent(event);
          entries.push({ kind: 'note', seq: event.seq, type: event.type, text, tone });
        }
        break;
      case 'run.limits':
      case 'run.rule':
      case 'model.started':
      case 'job.metric':
      case 'job.progress':
      case 'workspace.snapshot':
      case 'replay.diverged':
        break;
      default:
        unreachable(event);
    }
  }
  markContinued(entries);
  return entries;
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
