// A run that repeats itself, waiting for a person: go on (with a note the agent reads) or stop it.
import { useState, type Ref } from 'react';
import { previewText } from '../../../../shared/events';
import type { PendingApproval } from '../../../../shared/run-state';
import type { Decision, DecisionState } from '../../hooks/use-approval-decisions';
import { ErrorBox } from '../common/error-box';
import { ApprovalItem } from './approval-parts';

interface StallCardProps {
  approval: PendingApproval;
  state: DecisionState | undefined;
  onDecide: (callId: string, decision: Decision) => void;
  noteRef?: Ref<HTMLTextAreaElement>;
}

export function StallCard({ approval, state, onDecide, noteRef }: StallCardProps) {
  const [note, setNote] = useState('');
  const { callId } = approval;
  const busy = state?.status === 'sending' || state?.status === 'sent';
  const text = note.trim();
  return (
    <ApprovalItem callId={callId} kind="stall" state={state}>
      <div className="approval-head">
        <span className="approval-tool mono">{approval.tool} repeated</span>
      </div>
      <p className="approval-text">{previewText(approval.summary, Infinity)}</p>
      <div className="approval-actions">
        <textarea
          ref={noteRef}
          className="text-input"
          data-testid="stall-note"
          rows={1}
          placeholder="A note for the agent: what to do differently (optional)."
          aria-label="Note for the agent"
          value={note}
          disabled={busy}
          onChange={(event) => setNote(event.target.value)}
        />
        <button
          type="button"
          className="button button-primary"
          data-testid="approve"
          disabled={busy}
          onClick={() =>
            onDecide(callId, text === '' ? { decision: 'approved' } : { decision: 'approved', feedback: text })
          }
        >
          Go on
        </button>
        <button
          type="button"
          className="button button-danger"
          data-testid="reject"
          disabled={busy}
          onClick={() => onDecide(callId, { decision: 'rejected', feedback: 'Stopped by the person.' })}
        >
          Stop the run
        </button>
      </div>
      {state?.status === 'sent' && (
        <p className="approval-note muted">{state.decision === 'approved' ? 'Going on…' : 'Stopping…'}</p>
      )}
      {state?.status === 'error' && <ErrorBox error={state.error} testId="approval-error" />}
    </ApprovalItem>
  );
}
