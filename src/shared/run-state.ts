// The one reducer from a run's events to everything the UI and the CLI show about it.
import type { EventPayload, RunEvent } from './events';
import { buildGraph, type RunGraph } from './run-graph';
import { summarizeAll, type RunSummary } from './run-summary';

export interface PendingApproval {
  seq: number;
  callId: string;
  tool: string;
  summary: EventPayload<'approval.requested'>['summary'];
}

export interface RunState {
  summary: RunSummary;
  graph: RunGraph;
  plan: EventPayload<'plan.updated'>['items'];
  pendingApprovals: PendingApproval[];
}

export function reduceRun(events: readonly RunEvent[]): RunState | undefined {
  const summary = summarizeAll(events);
  if (summary === undefined) return undefined;
  let plan: RunState['plan'] = [];
  const pending = new Map<string, PendingApproval>();
  for (const event of events) {
    if (event.type === 'plan.updated') plan = event.payload.items;
    if (event.type === 'approval.requested') {
      const { callId, tool, summary: text } = event.payload;
      pending.set(callId, { seq: event.seq, callId, tool, summary: text });
    }
    if (event.type === 'approval.resolved') pending.delete(event.payload.callId);
  }
  return { summary, graph: buildGraph(events), plan, pendingApprovals: [...pending.values()] };
}
