// The number field every form uses: a label, the text as typed (the form keeps it, and reads it with
// the same rule when it sends), an optional unit after the input, and what is wrong with the value
// right below it, once the person has left the field or the form has said so.
import { useState } from 'react';
import { readNumber, type NumberRule } from '../../number-text';
import { Field } from './field';

interface NumberFieldProps {
  label: string;
  value: string;
  onChange: (text: string) => void;
  rule: NumberRule;
  /** What the number counts, shown after it ("MB", "USD"). */
  unit?: string;
  placeholder?: string;
  testId?: string;
  /** An error from the form (a refused save), shown whatever the field itself thinks. */
  error?: string | undefined;
  note?: string | undefined;
  className?: string;
}

export function NumberField({
  label,
  value,
  onChange,
  rule,
  unit,
  placeholder,
  testId,
  error,
  note,
  className = 'narrow',
}: NumberFieldProps) {
  const [left, setLeft] = useState(false);
  const read = readNumber(value, rule);
  const shown = error ?? (left && !read.ok ? read.error : undefined);
  return (
    <Field label={label} error={shown} note={note} className={className}>
      <span className="number-input">
        <input
          className="text-input"
          data-testid={testId}
          inputMode={rule.suffixes === true ? 'text' : rule.whole === true ? 'numeric' : 'decimal'}
          aria-invalid={shown !== undefined}
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onBlur={() => setLeft(true)}
        />
        {unit !== undefined && <span className="number-unit muted">{unit}</span>}
      </span>
    </Field>
  );
}
