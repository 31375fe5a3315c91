// What every question card shares: the list item that tests and the keyboard find by its call id and
// state, and the feedback box with the button that refuses (Ctrl+Enter sends it from the box).
import { useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import type { Decision, DecisionState } from '../../hooks/use-approval-decisions';

export function ApprovalItem(props: {
  callId: string;
  kind?: 'stall' | 'network' | 'elicitation';
  state: DecisionState | undefined;
  children: ReactNode;
}) {
  return (
    <li
      className="approval"
      data-testid="approval"
      {...(props.kind === undefined ? {} : { 'data-kind': props.kind })}
      data-call-id={props.callId}
      data-state={props.state?.status ?? 'pending'}
    >
      {props.children}
    </li>
  );
}

export function RejectField({
  what,
  placeholder,
  button,
  busy,
  feedbackRef,
  callId,
  onDecide,
}: {
  /** Names what is refused, for the box's label. */
  what: string;
  placeholder: string;
  button: string;
  busy: boolean;
  feedbackRef?: Ref<HTMLTextAreaElement> | undefined;
  callId: string;
  /** Refuses, with the feedback when some was written. */
  onDecide: (callId: string, decision: Decision) => void;
}) {
  const [feedback, setFeedback] = useState('');
  const reject = () => {
    const text = feedback.trim();
    onDecide(callId, text === '' ? { decision: 'rejected' } : { decision: 'rejected', feedback: text });
  };
  function onKey(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!busy) reject();
    }
    if (event.key === 'Escape') event.currentTarget.blur();
  }
  return (
    <span className="approval-reject">
      <textarea
        ref={feedbackRef}
        className="text-input"
        data-testid="reject-feedback"
        rows={1}
        placeholder={placeholder}
        aria-label={`Feedback for ${what}`}
        value={feedback}
        disabled={busy}
        onChange={(event) => setFeedback(event.target.value)}
        onKeyDown={onKey}
      />
      <button type="button" className="button button-danger" data-testid="reject" disabled={busy} onClick={reject}>
        {button}
      </button>
    </span>
  );
}
