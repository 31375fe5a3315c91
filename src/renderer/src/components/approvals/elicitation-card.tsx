// What an MCP server asks the person during a call: its message and a small form of the fields it asks
// for (text, number, yes/no, a choice); Send gives the server the answers, Decline tells it no.
import { useState } from 'react';
import type { ElicitationField, ElicitationForm } from '../../../../shared/events';
import type { PendingApproval } from '../../../../shared/run-state';
import type { Decision, DecisionState } from '../../hooks/use-approval-decisions';
import { ErrorBox } from '../common/error-box';
import { ApprovalItem } from './approval-parts';

interface ElicitationCardProps {
  approval: PendingApproval & { form: ElicitationForm };
  state: DecisionState | undefined;
  onDecide: (callId: string, decision: Decision) => void;
}

type Answers = Record<string, string | boolean>;

function initial(fields: readonly ElicitationField[]): Answers {
  return Object.fromEntries(
    fields.map((field) => [
      field.name,
      field.type === 'boolean' ? field.default === true : String(field.default ?? ''),
    ]),
  );
}

export function ElicitationCard({ approval, state, onDecide }: ElicitationCardProps) {
  const { callId, form } = approval;
  const [answers, setAnswers] = useState<Answers>(() => initial(form.fields));
  const busy = state?.status === 'sending' || state?.status === 'sent';
  const missing = form.fields.some((field) => field.required && answers[field.name] === '');
  const set = (name: string, value: string | boolean) => setAnswers((before) => ({ ...before, [name]: value }));
  return (
    <ApprovalItem callId={callId} kind="elicitation" state={state}>
      <div className="approval-head">
        <span className="approval-tool mono">{form.server} asks</span>
      </div>
      <p className="approval-text">{form.message}</p>
      <form
        className="elicitation-form"
        onSubmit={(event) => {
          event.preventDefault();
          onDecide(callId, { decision: 'approved', editedInput: answers });
        }}
      >
        {form.fields.map((field) => (
          <FieldInput key={field.name} field={field} value={answers[field.name]} busy={busy} onChange={set} />
        ))}
        <div className="approval-actions">
          <button type="submit" className="button button-primary" data-testid="approve" disabled={busy || missing}>
            Send
          </button>
          <button
            type="button"
            className="button"
            data-testid="reject"
            disabled={busy}
            onClick={() => onDecide(callId, { decision: 'rejected', feedback: 'Declined by the person.' })}
          >
            Decline
          </button>
        </div>
      </form>
      {state?.status === 'sent' && (
        <p className="approval-note muted">{state.decision === 'approved' ? 'Sent' : 'Declined'}; the run goes on…</p>
      )}
      {state?.status === 'error' && <ErrorBox error={state.error} testId="approval-error" />}
    </ApprovalItem>
  );
}

interface FieldInputProps {
  field: ElicitationField;
  value: string | boolean | undefined;
  busy: boolean;
  onChange: (name: string, value: string | boolean) => void;
}

function FieldInput({ field, value, busy, onChange }: FieldInputProps) {
  const label = `${field.title ?? field.name}${field.required ? ' *' : ''}`;
  const common = { name: field.name, disabled: busy, 'data-testid': `field-${field.name}`, 'aria-label': label };
  let input;
  if (field.type === 'boolean') {
    input = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(field.name, e.target.checked)}
      />
    );
  } else if (field.options !== undefined) {
    input = (
      <select
        {...common}
        className="text-input"
        value={String(value ?? '')}
        onChange={(e) => onChange(field.name, e.target.value)}
      >
        <option value="">—</option>
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = field.type === 'number' || field.type === 'integer';
    input = (
      <input
        {...common}
        className="text-input"
        type={numeric ? 'number' : 'text'}
        step={field.type === 'integer' ? 1 : 'any'}
        value={String(value ?? '')}
        onChange={(e) => onChange(field.name, e.target.value)}
      />
    );
  }
  return (
    <label className="elicitation-field">
      <span>{label}</span>
      {input}
      {field.description !== undefined && <small className="muted">{field.description}</small>}
    </label>
  );
}
