// The one reducer from a run's events to everything the UI and the CLI show about it.
import type { EventPayload, RunEvent } from './events';
import { pendingApprovals, type PendingApproval } from './pending-approvals';
import { buildGraph, type RunGraph } from './run-graph';
import { summarizeAll, type RunSummary } from './run-summary';

export type { PendingApproval } from './pending-approvals';

export interface RunState {
  summary: RunSummary;
  graph: RunGraph;
  plan: EventPayload<'plan.updated'>['items'];
  pendingApprovals: PendingApproval[];
}

/** The latest plan the agent wrote, or none. */
export function latestPlan(events: readonly RunEvent[]): RunState['plan'] {
  const updated = events.findLast((event) => event.type === 'plan.updated');
  return updated?.type === 'plan.updated' ? updated.payload.items : [];
}

export function reduceRun(events: readonly RunEvent[]): RunState | undefined {
  const summary = summarizeAll(events);
  if (summary === undefined) return undefined;
  return {
    summary,
    graph: buildGraph(events),
    plan: latestPlan(events),
    pendingApprovals: pendingApprovals(events),
  };
}
