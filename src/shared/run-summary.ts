// A run's summary folded from its events. The store keeps it in the `runs` table incrementally and can
// rebuild the table from `events` with the same function, so the two can never disagree.
import { handleEvent, type EventHandlers } from './event-handlers';
import { previewText, terminalStatuses, type RunEvent, type RunStatus, type Usage } from './events';
import { networkMode, type NetworkMode } from './network-policy';
import { isRunAgain } from './run-origin';

export { isRunAgain };

export interface RunSummary {
  id: string;
  goal: string;
  model: string;
  status: RunStatus;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
  steps: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  eventCount: number;
  lastSeq: number;
  parentRunId: string | null;
  parentSeq: number | null;
  /** How it began: a new run, a fork or a replay of its parent, or a run of a loop spec. */
  origin: 'new' | 'fork' | 'replay' | 'spec';
  /** Where its commands run: the sandbox, or this machine (switched on for this run). */
  runtime: 'sandbox' | 'host';
  /** What its sandbox may reach: nothing, the hosts of an allow-list, or the full network. */
  network: NetworkMode;
  /** The loop spec it ran and the parameters it was given; null for a run from a goal alone. */
  spec: { name: string; params: Record<string, string> } | null;
  /** The harness's latest evaluation of an attempt (the run's result), null before the first. */
  metric: RunMetric | null;
}

/** A metric as the evaluation gate recorded it: its value, the target it had to reach and which way is better. */
export interface RunMetric {
  name: string;
  value: number;
  target: number | null;
  better: 'higher' | 'lower';
  attempt: number | null;
  /** The baseline the attempt had to beat (its target includes the margin); absent without one. */
  baseline?: { label: string; value: number };
}

const GOAL_CHARS = 500;

/** How a run relates to its parent, in a few words: `fork of run_… @ 12`, `replay of run_…`. */
export function parentRelation(run: Pick<RunSummary, 'origin' | 'parentRunId' | 'parentSeq'>): string | null {
  if (run.parentRunId === null) return null;
  if (run.origin === 'replay') return `replay of ${run.parentRunId}`;
  if (isRunAgain(run)) return `run again of ${run.parentRunId}`;
  return `fork of ${run.parentRunId} @ ${run.parentSeq ?? 0}`;
}

export function emptySummary(runId: string, time: number): RunSummary {
  return {
    id: runId,
    goal: '',
    model: '',
    status: 'running',
    reason: null,
    createdAt: time,
    updatedAt: time,
    endedAt: null,
    steps: 0,
    toolCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: 0,
    eventCount: 0,
    lastSeq: -1,
    parentRunId: null,
    parentSeq: null,
    origin: 'new',
    runtime: 'sandbox',
    network: 'none',
    spec: null,
    metric: null,
  };
}

export function summarize(previous: RunSummary | undefined, event: RunEvent): RunSummary {
  return summarizeInto(previous === undefined ? emptySummary(event.runId, event.time) : { ...previous }, event);
}

/** Folds one event into a summary the caller owns (no copy: for folding many events at once). */
export function summarizeInto(next: RunSummary, event: RunEvent): RunSummary {
  next.updatedAt = event.time;
  next.eventCount += 1;
  next.lastSeq = event.seq;
  handleEvent(FOLDS, event, next);
  return next;
}

const none = () => undefined;

/** What each type of event changes in the summary, beyond its time and count. */
const FOLDS: EventHandlers<void, RunSummary> = {
  'run.created': (event, next) => {
    next.goal = previewText(event.payload.goal, GOAL_CHARS);
    next.model = event.payload.model;
    next.createdAt = event.time;
    next.parentRunId = event.payload.parent?.runId ?? null;
    next.parentSeq = event.payload.parent?.seq ?? null;
    next.origin = event.payload.origin;
    next.runtime = event.payload.config?.runtime ?? 'sandbox';
    next.network = networkMode(event.payload.config?.network ?? 'none');
    next.spec = specOf(event.payload.config?.spec);
  },
  'run.status': (event, next) => {
    next.status = event.payload.status;
    next.reason = event.payload.reason === undefined ? null : previewText(event.payload.reason, GOAL_CHARS);
    next.endedAt = terminalStatuses.includes(event.payload.status) ? event.time : null;
  },
  'model.started': (event, next) => {
    next.model = event.payload.model;
  },
  'model.finished': (event, next) => {
    next.steps += 1;
    addUsage(next, event.payload.usage);
  },
  'tool.started': (_event, next) => {
    next.toolCalls += 1;
  },
  'evaluation.recorded': (event, next) => {
    const { metric, value, target, better, attempt, baseline, role } = event.payload;
    // The baseline's own score is what attempts are measured against, not the run's result.
    if (role === 'baseline') return;
    next.metric = {
      name: metric,
      value,
      target: target ?? null,
      better: better ?? 'higher',
      attempt: attempt ?? null,
      ...(baseline === undefined ? {} : { baseline: { label: baseline.label, value: baseline.value } }),
    };
  },
  // The model call that wrote the summary is not a step, but its tokens and cost count.
  'context.compacted': (event, next) => {
    if (event.payload.usage !== undefined) addUsage(next, event.payload.usage);
  },
  'run.limits': none,
  'run.rule': none,
  'message.user': none,
  'tool.finished': none,
  'approval.requested': none,
  'approval.resolved': none,
  'job.started': none,
  'job.metric': none,
  // A job's time on a compute target with a rate counts in the run's cost (and its budget).
  'job.finished': (event, next) => {
    next.cost += event.payload.cost ?? 0;
  },
  'artifact.recorded': none,
  'evaluation.failed': none,
  'plan.updated': none,
  'workspace.snapshot': none,
  'replay.diverged': none,
  'network.request': none,
  'loop.parked': none,
  'loop.woke': none,
  'job.watch': none,
  'job.progress': none,
  'job.resumed': none,
};

function addUsage(next: RunSummary, usage: Usage): void {
  next.inputTokens += usage.inputTokens;
  next.outputTokens += usage.outputTokens;
  next.cost += usage.cost;
}

function specOf(spec: { name: string; params: Record<string, string> } | undefined): RunSummary['spec'] {
  return spec === undefined ? null : { name: spec.name, params: spec.params };
}

export function summarizeAll(events: readonly RunEvent[]): RunSummary | undefined {
  const [first] = events;
  if (first === undefined) return undefined;
  const summary = emptySummary(first.runId, first.time);
  for (const event of events) summarizeInto(summary, event);
  return summary;
}
