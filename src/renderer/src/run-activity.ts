// What a run is doing right now, for its status bar: thinking, running a tool, waiting for a person,
// or how it ended. Derived from its events and status alone, so any window shows the same.
import type { RunEvent, RunStatus } from '../../shared/events';
import type { LoopConfig } from '../../shared/loop-config';
import { runDuration } from '../../shared/format';
import type { RunSummary } from '../../shared/run-summary';
import { unreachable } from '../../shared/exhaustive';

export type ActivityKind =
  | 'starting'
  | 'thinking'
  | 'writing'
  | 'tool'
  | 'job'
  | 'parked'
  | 'working'
  | 'waiting'
  | 'finished'
  | 'failed'
  | 'stalled'
  | 'stopped'
  | 'interrupted';

export interface Activity {
  kind: ActivityKind;
  label: string;
}

/** Statuses with a loop behind them: the clock runs and Stop applies. */
export function isLive(status: RunStatus): boolean {
  return status === 'running' || status === 'waiting';
}

interface OpenWork {
  modelStarted: boolean;
  modelOpen: boolean;
  tools: Map<string, string>;
  jobs: Set<string>;
  /** The job the loop is parked until (no model call meanwhile), if it is parked. */
  parkedOn?: string | undefined;
}

/** A run that stopped and was resumed closes nothing by itself; what was open stays cut off. */
function cutOff(work: OpenWork): void {
  work.modelOpen = false;
  work.tools.clear();
  work.parkedOn = undefined;
}

function openWork(events: readonly RunEvent[]): OpenWork {
  const work: OpenWork = { modelStarted: false, modelOpen: false, tools: new Map(), jobs: new Set() };
  for (const event of events) {
    switch (event.type) {
      case 'model.started':
        work.modelStarted = true;
        work.modelOpen = true;
        break;
      case 'model.finished':
        work.modelOpen = false;
        break;
      case 'tool.started':
        work.tools.set(event.payload.callId, event.payload.tool);
        break;
      case 'tool.finished':
        work.tools.delete(event.payload.callId);
        break;
      case 'job.started':
      case 'job.resumed':
        work.jobs.add(event.payload.jobId);
        break;
      case 'job.finished':
        work.jobs.delete(event.payload.jobId);
        break;
      case 'loop.parked':
        work.parkedOn = event.payload.jobId;
        break;
      case 'loop.woke':
        work.parkedOn = undefined;
        break;
      case 'run.status':
        if (event.payload.status !== 'running' && event.payload.status !== 'waiting') cutOff(work);
        break;
      case 'run.created':
      case 'run.limits':
      case 'run.rule':
      case 'message.user':
      case 'approval.requested':
      case 'approval.resolved':
      case 'job.metric':
      case 'job.watch':
      case 'job.progress':
      case 'artifact.recorded':
      case 'evaluation.recorded':
      case 'evaluation.failed':
      case 'context.compacted':
      case 'plan.updated':
      case 'workspace.snapshot':
      case 'replay.diverged':
      case 'network.request':
        break;
      default:
        unreachable(event);
    }
  }
  return work;
}

/** What the run is doing; `streaming` says whether the model's words are arriving now. */
export function runActivity(
  events: readonly RunEvent[],
  status: RunStatus,
  pendingApprovals: number,
  streaming: boolean,
): Activity {
  if (status === 'waiting') {
    if (pendingApprovals === 0) return { kind: 'waiting', label: 'waiting' };
    const count = pendingApprovals === 1 ? '' : ` (${pendingApprovals})`;
    return { kind: 'waiting', label: `waiting for approval${count}` };
  }
  if (status !== 'running') return { kind: status, label: status };
  const work = openWork(events);
  if (work.tools.size > 0) return { kind: 'tool', label: `running ${[...new Set(work.tools.values())].join(', ')}` };
  // Every label of a running run begins with the word its status badge shows.
  if (work.modelOpen)
    return streaming
      ? { kind: 'writing', label: 'running · writing' }
      : { kind: 'thinking', label: 'running · thinking' };
  if (work.parkedOn !== undefined) return { kind: 'parked', label: `running · parked until ${work.parkedOn} ends` };
  if (work.jobs.size > 0)
    return { kind: 'job', label: work.jobs.size === 1 ? 'running · 1 job' : `running · ${work.jobs.size} jobs` };
  if (!work.modelStarted) return { kind: 'starting', label: 'running · starting' };
  return { kind: 'working', label: 'running' };
}

/** The constraints the run was started with, as recorded. */
export function recordedConfig(events: readonly RunEvent[]): LoopConfig | undefined {
  const created = events.find((event) => event.type === 'run.created');
  return created?.type === 'run.created' ? created.payload.config : undefined;
}

/** How long the run has taken: up to now while it is live, else up to its last event. */
export function elapsedMs(summary: RunSummary, now: number): number {
  if (isLive(summary.status)) return Math.max(0, now - summary.createdAt);
  return runDuration(summary);
}
