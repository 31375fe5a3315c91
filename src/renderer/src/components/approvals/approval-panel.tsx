// The calls a run is waiting on, at the top of its detail: each with its answers, "Approve all" when
// there are several, and the keys `a` (approve the first) and `r` (reject it, with feedback).
import { useMemo, useRef } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { alwaysAsks } from '../../../../shared/publish';
import type { PendingApproval } from '../../../../shared/run-state';
import { originalInput } from '../../approval-input';
import { filesBefore } from '../../file-changes';
import { useApprovalDecisions, type DecisionState } from '../../hooks/use-approval-decisions';
import { useApprovalKeys } from '../../hooks/use-approval-keys';
import { ApprovalCard } from './approval-card';

interface ApprovalPanelProps {
  runId: string;
  approvals: PendingApproval[];
  events: readonly RunEvent[];
  onDetached: () => void;
}

function answered(state: DecisionState | undefined): boolean {
  return state?.status === 'sending' || state?.status === 'sent';
}

export function ApprovalPanel({ runId, approvals, events, onDetached }: ApprovalPanelProps) {
  const { states, decide } = useApprovalDecisions(runId, onDetached);
  const feedbackRef = useRef<HTMLTextAreaElement>(null);
  const inputs = useMemo(
    () => new Map(approvals.map((approval) => [approval.callId, originalInput(events, approval.callId)])),
    [approvals, events],
  );
  const befores = useMemo(() => filesBefore(events), [events]);
  const open = approvals.filter((approval) => !answered(states.get(approval.callId)));

  // A publish is approved on its own card, and what an MCP server asks is answered on its form.
  const together = open.filter((approval) => !alwaysAsks(approval.tool) && approval.kind !== 'elicitation');

  useApprovalKeys({
    approveFirst: () => {
      const first = open.find((approval) => approval.kind !== 'elicitation');
      if (first !== undefined) void decide(first.callId, { decision: 'approved' });
    },
    focusReject: () => feedbackRef.current?.focus(),
  });

  async function approveAll(): Promise<void> {
    for (const approval of together) {
      if (!(await decide(approval.callId, { decision: 'approved' }))) return;
    }
  }

  return (
    <section className="approval-panel" aria-label="Waiting for your approval">
      <PanelHead
        approvals={approvals}
        together={together.length}
        open={open.length}
        onApproveAll={() => void approveAll()}
      />
      <ul className="approval-list">
        {approvals.map((approval) => (
          <ApprovalCard
            key={approval.callId}
            approval={approval}
            input={inputs.get(approval.callId)}
            before={befores.get(approval.callId)}
            state={states.get(approval.callId)}
            onDecide={(callId, decision) => void decide(callId, decision)}
            first={approval === open[0]}
            feedbackRef={approval === open[0] ? feedbackRef : undefined}
          />
        ))}
      </ul>
    </section>
  );
}

interface PanelHeadProps {
  approvals: readonly { kind: string }[];
  /** How many open calls "Approve all" answers, and how many are open. */
  together: number;
  open: number;
  onApproveAll: () => void;
}

/** The panel's title, and "Approve all" when several calls wait (disabled when none can go together). */
function PanelHead({ approvals, together, open, onApproveAll }: PanelHeadProps) {
  return (
    <div className="approval-panel-head">
      <strong>{panelTitle(approvals)}</strong>
      {approvals.length > 1 && (
        <button
          type="button"
          className="button button-primary"
          data-testid="approve-all"
          disabled={together === 0}
          title={together < open ? 'Publishing is approved on its own card.' : undefined}
          onClick={onApproveAll}
        >
          Approve all
        </button>
      )}
    </div>
  );
}

function panelTitle(approvals: readonly { kind: string }[]): string {
  const count = approvals.length;
  if (count === 1 && approvals[0]?.kind === 'network') return 'The sandbox waits to reach a host';
  if (count === 1 && approvals[0]?.kind === 'elicitation') return 'An MCP server asks you something';
  return count === 1 ? 'A call waits for your approval' : `${count} calls wait for your approval`;
}
