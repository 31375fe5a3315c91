// What the approval panel's tests share: a run's events from drafts, the panel rendered for the calls
// they leave waiting, one call's card, and runs with one or two calls waiting.
import { render, screen } from '@testing-library/react';
import { vi } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { reduceRun } from '../../../../shared/run-state';
import { ApprovalPanel } from './approval-panel';

export const RUN_ID = 'run_test';

export function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: RUN_ID, seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

export function renderPanel(events: RunEvent[]) {
  const state = reduceRun(events);
  if (state === undefined) throw new Error('no run');
  const onDetached = vi.fn<() => void>();
  const view = render(
    <ApprovalPanel runId={RUN_ID} approvals={state.pendingApprovals} events={events} onDetached={onDetached} />,
  );
  return { ...view, onDetached, approvals: state.pendingApprovals };
}

export function card(callId: string): HTMLElement {
  const element = screen.getAllByTestId('approval').find((item) => item.dataset.callId === callId);
  if (element === undefined) throw new Error(`no card for ${callId}`);
  return element;
}

/** The sample run up to its approval request: one write call waits. */
export function onePending(): RunEvent[] {
  const drafts = sampleRunDrafts();
  const index = drafts.findIndex((draft) => draft.type === 'approval.requested');
  return toEvents([{ type: 'run.created', payload: sampleCreated() }, ...drafts.slice(0, index + 1)]);
}

/** A turn with two calls that both wait: a write and a bash command. */
export function twoPending(): RunEvent[] {
  return toEvents([
    { type: 'run.created', payload: sampleCreated() },
    { type: 'model.started', payload: { callId: 'call_m1', model: 'test-model' } },
    {
      type: 'model.finished',
      payload: {
        callId: 'call_m1',
        text: 'Writing the script and installing what it needs.',
        finishReason: 'tool_calls',
        usage: { inputTokens: 10, outputTokens: 5, cost: 0 },
        toolCalls: [
          { id: 'call_w', name: 'write', args: { path: 'train.py', content: 'print(1)\n' } },
          { id: 'call_b', name: 'bash', args: { command: 'pip install scikit-learn' } },
        ],
      },
    },
    { type: 'approval.requested', payload: { callId: 'call_w', tool: 'write', summary: 'write train.py (9 bytes)' } },
    {
      type: 'approval.requested',
      payload: { callId: 'call_b', tool: 'bash', summary: '$ pip install scikit-learn' },
    },
  ]);
}
