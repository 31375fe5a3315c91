// One call waiting for a person: what it will do in full, and the three answers: approve, edit then
// approve, or reject with feedback the model reads.
import { useState, type Ref } from 'react';
import { alwaysAsks } from '../../../../shared/publish';
import type { PendingApproval } from '../../../../shared/run-state';
import type { FileBefore } from '../../file-changes';
import type { Decision, DecisionState } from '../../hooks/use-approval-decisions';
import { ApprovalEditor } from './approval-editor';
import { ApprovalItem, RejectField } from './approval-parts';
import { AlwaysAllowDialog } from './always-allow-dialog';
import { ApprovalSummary } from './approval-summary';
import { ErrorBox } from '../common/error-box';
import { ElicitationCard } from './elicitation-card';
import { NetworkCard } from './network-card';
import { StallCard } from './stall-card';

interface ApprovalCardProps {
  approval: PendingApproval;
  input: unknown;
  /** The file a write or edit changes, as the run's events know it. */
  before?: FileBefore;
  state: DecisionState | undefined;
  onDecide: (callId: string, decision: Decision) => void;
  /** The first card takes the keyboard: `a` approves it, `r` lands in its feedback. */
  first: boolean;
  feedbackRef?: Ref<HTMLTextAreaElement>;
}

export function ApprovalCard(props: ApprovalCardProps) {
  const { approval, input, before, state, onDecide, first, feedbackRef } = props;
  const [editing, setEditing] = useState(false);
  const [allowing, setAllowing] = useState(false);
  const { callId, tool } = approval;
  const busy = state?.status === 'sending' || state?.status === 'sent';
  if (approval.kind === 'stall')
    return <StallCard approval={approval} state={state} onDecide={onDecide} noteRef={feedbackRef} />;
  if (approval.kind === 'network')
    return <NetworkCard approval={approval} state={state} onDecide={onDecide} feedbackRef={feedbackRef} />;
  if (approval.kind === 'elicitation' && approval.form !== undefined)
    return <ElicitationCard approval={{ ...approval, form: approval.form }} state={state} onDecide={onDecide} />;

  return (
    <ApprovalItem callId={callId} state={state}>
      <ApprovalHead tool={tool} callId={callId} showKeys={first && !editing} />
      <ApprovalSummary tool={tool} summary={approval.summary} input={input} before={before} />
      {editing ? (
        <ApprovalEditor
          tool={tool}
          input={input}
          busy={busy}
          onApprove={(edited) => onDecide(callId, { decision: 'approved', editedInput: edited })}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <ApprovalActions
          tool={tool}
          callId={callId}
          busy={busy}
          canEdit={input !== undefined}
          oneByOne={alwaysAsks(tool)}
          feedbackRef={feedbackRef}
          onApprove={() => onDecide(callId, { decision: 'approved' })}
          onAllow={() => setAllowing(true)}
          onEdit={() => setEditing(true)}
          onDecide={onDecide}
        />
      )}
      {allowing && !editing && (
        <AlwaysAllowDialog
          tool={tool}
          input={input}
          busy={busy}
          onConfirm={(rule) => onDecide(callId, { decision: 'approved', addRule: rule })}
          onCancel={() => setAllowing(false)}
        />
      )}
      <DecisionNote state={state} />
    </ApprovalItem>
  );
}

/** The call's tool and id, and for the first card, the keys that answer it. */
function ApprovalHead({ tool, callId, showKeys }: { tool: string; callId: string; showKeys: boolean }) {
  return (
    <div className="approval-head">
      <span className="approval-tool mono">{tool}</span>
      <span className="muted mono approval-call">{callId}</span>
      {showKeys && (
        <span className="approval-keys muted">
          <kbd>a</kbd> approve · <kbd>r</kbd> reject
        </span>
      )}
    </div>
  );
}

interface ApprovalActionsProps {
  tool: string;
  callId: string;
  busy: boolean;
  /** Whether the call's input is in the run's events, to edit. */
  canEdit: boolean;
  /** A publish: approved as shown, never always allowed nor edited. */
  oneByOne: boolean;
  feedbackRef: Ref<HTMLTextAreaElement> | undefined;
  onApprove: () => void;
  onAllow: () => void;
  onEdit: () => void;
  onDecide: (callId: string, decision: Decision) => void;
}

/** The answers: approve, always allow, edit then approve, or reject with feedback (Ctrl+Enter sends it). */
function ApprovalActions({
  tool,
  callId,
  busy,
  canEdit,
  oneByOne,
  feedbackRef,
  onApprove,
  onAllow,
  onEdit,
  onDecide,
}: ApprovalActionsProps) {
  return (
    <div className="approval-actions">
      <button type="button" className="button button-primary" data-testid="approve" disabled={busy} onClick={onApprove}>
        Approve
      </button>
      {!oneByOne && (
        <>
          <button type="button" className="button" data-testid="always-allow" disabled={busy} onClick={onAllow}>
            Always allow…
          </button>
          <button
            type="button"
            className="button"
            data-testid="edit-approve"
            disabled={busy || !canEdit}
            title={canEdit ? undefined : 'The call’s input is not in this run’s events.'}
            onClick={onEdit}
          >
            Edit, then approve
          </button>
        </>
      )}
      <RejectField
        what={`rejecting ${tool}`}
        placeholder="Why not? The model reads this and tries another way."
        button="Reject"
        busy={busy}
        feedbackRef={feedbackRef}
        callId={callId}
        onDecide={onDecide}
      />
    </div>
  );
}

/** What became of the answer: sending, sent (the run goes on), or why it failed. */
function DecisionNote({ state }: { state: DecisionState | undefined }) {
  if (state?.status === 'sending') return <p className="approval-note muted">Sending…</p>;
  if (state?.status === 'sent')
    return (
      <p className="approval-note muted">{state.decision === 'approved' ? 'Approved' : 'Rejected'}; the run goes on…</p>
    );
  if (state?.status === 'error') return <ErrorBox error={state.error} testId="approval-error" />;
  return null;
}
