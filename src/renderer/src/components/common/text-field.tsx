// A one-line text field in the shape every form uses: a label, a monospaced input (names, addresses,
// patterns), and its error or note below.
import { Field } from './field';

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (text: string) => void;
  testId?: string;
  placeholder?: string;
  className?: string;
  error?: string | undefined;
  note?: string | undefined;
}

export function TextField({ label, value, onChange, testId, placeholder, className, error, note }: TextFieldProps) {
  return (
    <Field label={label} className={className} error={error} note={note}>
      <input
        className="text-input mono"
        data-testid={testId}
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
