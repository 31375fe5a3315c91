import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from './events';
import { pendingApprovals } from './pending-approvals';

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_a', seq, time: seq, ...draft }) as RunEvent);
}

describe('pendingApprovals', () => {
  it('lists what was asked and not answered, calls recorded without a kind included', () => {
    const events = toEvents([
      { type: 'approval.requested', payload: { callId: 'c1', tool: 'bash', summary: 'ls' } },
      { type: 'approval.requested', payload: { callId: 'c2', tool: 'write', summary: 'a.py', kind: 'call' } },
      { type: 'approval.resolved', payload: { callId: 'c1', decision: 'approved' } },
      {
        type: 'approval.requested',
        payload: { callId: 'stall_c3', tool: 'bash', summary: 'repeated 5 times', kind: 'stall' },
      },
    ]);
    expect(pendingApprovals(events)).toEqual([
      { seq: 1, callId: 'c2', tool: 'write', summary: 'a.py', kind: 'call' },
      { seq: 3, callId: 'stall_c3', tool: 'bash', summary: 'repeated 5 times', kind: 'stall' },
    ]);
  });

  it('is empty once every question is answered', () => {
    const events = toEvents([
      { type: 'approval.requested', payload: { callId: 'c1', tool: 'bash', summary: 'ls' } },
      { type: 'approval.resolved', payload: { callId: 'c1', decision: 'rejected', feedback: 'no' } },
    ]);
    expect(pendingApprovals(events)).toEqual([]);
  });
});
