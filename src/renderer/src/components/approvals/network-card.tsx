// The sandbox wants to reach a host its run's allow-list does not name, and waits: allow it for this run,
// always allow it (a rule for the `network` tool, kept with the run), or refuse with a note the model reads.
import type { Ref } from 'react';
import { previewText } from '../../../../shared/events';
import type { PendingApproval } from '../../../../shared/run-state';
import type { Decision, DecisionState } from '../../hooks/use-approval-decisions';
import { ErrorBox } from '../common/error-box';
import { ApprovalItem, RejectField } from './approval-parts';

interface NetworkCardProps {
  approval: PendingApproval;
  state: DecisionState | undefined;
  onDecide: (callId: string, decision: Decision) => void;
  feedbackRef?: Ref<HTMLTextAreaElement> | undefined;
}

export function NetworkCard({ approval, state, onDecide, feedbackRef }: NetworkCardProps) {
  const { callId } = approval;
  const host = approval.host ?? approval.tool;
  const busy = state?.status === 'sending' || state?.status === 'sent';
  return (
    <ApprovalItem callId={callId} kind="network" state={state}>
      <div className="approval-head">
        <span className="approval-tool mono">network</span>
        <span className="mono" data-testid="network-host">
          {host}
        </span>
      </div>
      <p className="approval-text">{previewText(approval.summary, Infinity)}</p>
      <div className="approval-actions">
        <button
          type="button"
          className="button button-primary"
          data-testid="approve"
          disabled={busy}
          onClick={() => onDecide(callId, { decision: 'approved' })}
        >
          Allow for this run
        </button>
        <button
          type="button"
          className="button"
          data-testid="always-allow"
          disabled={busy}
          title={`Adds the rule: allow network where host matches "${host}"`}
          onClick={() =>
            onDecide(callId, {
              decision: 'approved',
              addRule: { tool: 'network', arg: 'host', pattern: host, action: 'allow' },
            })
          }
        >
          Always allow {host}
        </button>
        <RejectField
          what={`refusing ${host}`}
          placeholder="Why not? The model reads this."
          button="Refuse"
          busy={busy}
          feedbackRef={feedbackRef}
          callId={callId}
          onDecide={onDecide}
        />
      </div>
      {state?.status === 'sent' && (
        <p className="approval-note muted">{state.decision === 'approved' ? 'Allowed…' : 'Refused…'}</p>
      )}
      {state?.status === 'error' && <ErrorBox error={state.error} testId="approval-error" />}
    </ApprovalItem>
  );
}
