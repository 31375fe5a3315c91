// Answers to a run's pending approvals, per call: sending, sent (the card waits for the run's own
// `approval.resolved` event to take it away), or failed with what to do.
import { useCallback, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { ApprovalRule } from '../../../shared/loop-config';
import { request } from '../bridge';
import { toErrorInfo } from '../error-info';

export type Decision =
  | { decision: 'approved'; editedInput?: unknown; addRule?: ApprovalRule; feedback?: string }
  | { decision: 'rejected'; feedback?: string };

export type DecisionState =
  { status: 'sending' } | { status: 'sent'; decision: Decision['decision'] } | { status: 'error'; error: ErrorInfo };

export interface ApprovalDecisions {
  states: ReadonlyMap<string, DecisionState>;
  decide: (callId: string, decision: Decision) => Promise<boolean>;
}

/** `onNotHeld` hears when this Looplab holds no such approval: the run's loop lives elsewhere, or not at all. */
export function useApprovalDecisions(runId: string, onNotHeld: () => void): ApprovalDecisions {
  const [states, setStates] = useState<ReadonlyMap<string, DecisionState>>(new Map());

  const decide = useCallback(
    async (callId: string, decision: Decision): Promise<boolean> => {
      const set = (state: DecisionState) => setStates((current) => new Map(current).set(callId, state));
      set({ status: 'sending' });
      try {
        await request('approvals.decide', { runId, callId, ...decision });
        set({ status: 'sent', decision: decision.decision });
        return true;
      } catch (failure) {
        const error = toErrorInfo(failure);
        if (error.code === 'not_found') onNotHeld();
        set({ status: 'error', error });
        return false;
      }
    },
    [runId, onNotHeld],
  );

  return { states, decide };
}
