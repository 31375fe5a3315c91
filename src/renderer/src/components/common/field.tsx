// A labelled input with its error (or a note) right below it: the one shape every form field takes.
import type { ReactNode } from 'react';

interface FieldProps {
  label: string;
  error?: string | undefined;
  note?: string | undefined;
  children: ReactNode;
  className?: string;
}

export function Field({ label, error, note, children, className = '' }: FieldProps) {
  return (
    <label className={`form-field ${className}`}>
      <span className="field-label">{label}</span>
      {children}
      {error !== undefined && (
        <span className="field-error" role="alert" data-testid="field-error">
          {error}
        </span>
      )}
      {error === undefined && note !== undefined && <span className="field-note muted">{note}</span>}
    </label>
  );
}
