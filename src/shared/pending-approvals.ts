// What a run waits on: the approvals requested and not yet answered, derived from its events. The
// loop (to ask again after a restart), a fork (to give the new answer) and the UI read the same list.
import type { EventPayload, RunEvent } from './events';

/**
 * What an approval asks: whether a tool call may run, a run that repeats itself goes on, the sandbox reaches
 * a host, or what an MCP server asks the person to fill in.
 */
export type ApprovalKind = NonNullable<EventPayload<'approval.requested'>['kind']>;

export interface PendingApproval {
  seq: number;
  callId: string;
  tool: string;
  summary: EventPayload<'approval.requested'>['summary'];
  kind: ApprovalKind;
  /** For a `network` question: the host and port the sandbox wants to reach. */
  host?: string;
  /** For an `elicitation`: the fields an MCP server asks for. */
  form?: EventPayload<'approval.requested'>['form'];
}

/** The approvals requested and not yet answered, in the order they were asked. */
export function pendingApprovals(events: readonly RunEvent[]): PendingApproval[] {
  const pending = new Map<string, PendingApproval>();
  for (const event of events) {
    if (event.type === 'approval.requested') {
      const { callId, tool, summary, kind, host, form } = event.payload;
      const extra = { ...(host ? { host } : {}), ...(form ? { form } : {}) };
      pending.set(callId, { seq: event.seq, callId, tool, summary, kind: kind ?? 'call', ...extra });
    }
    if (event.type === 'approval.resolved') pending.delete(event.payload.callId);
  }
  return [...pending.values()];
}
