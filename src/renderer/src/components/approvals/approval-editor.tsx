// Edit-then-approve: the call's input as fields for the common tools (a write's path and content,
// a command) or as JSON for any tool, checked before it is sent back as the input to run with.
import { useState } from 'react';
import {
  editorFields,
  formatInputJson,
  isRecord,
  parseInputJson,
  type EditorField,
  type ToolInput,
} from '../../approval-input';
import { useResolvedInput } from '../../hooks/use-resolved-input';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';

interface ApprovalEditorProps {
  tool: string;
  input: unknown;
  busy: boolean;
  onApprove: (edited: ToolInput) => void;
  onCancel: () => void;
}

export function ApprovalEditor(props: ApprovalEditorProps) {
  const resolved = useResolvedInput(props.input);
  if (resolved.status === 'loading') return <LoadingLine label="Loading the full input…" />;
  if (resolved.status === 'error') return <ErrorBox error={resolved.error} />;
  return <EditorForm {...props} input={resolved.value} />;
}

function valuesOf(fields: EditorField[], input: ToolInput): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [field.key, String(input[field.key] ?? '')]));
}

function EditorForm({ tool, input, busy, onApprove, onCancel }: ApprovalEditorProps) {
  const [base, setBase] = useState<ToolInput>(() => (isRecord(input) ? input : {}));
  const [fields, setFields] = useState(() => editorFields(tool, input));
  const [values, setValues] = useState(() => valuesOf(fields, base));
  const [mode, setMode] = useState<'fields' | 'json'>(fields.length > 0 ? 'fields' : 'json');
  const [json, setJson] = useState(() => formatInputJson(input));
  const [modeError, setModeError] = useState<string | null>(null);
  const parsed = mode === 'json' ? parseInputJson(json) : ({ ok: true, value: { ...base, ...values } } as const);

  function toJson(): void {
    setJson(formatInputJson({ ...base, ...values }));
    setModeError(null);
    setMode('json');
  }

  function toFields(): void {
    if (!parsed.ok) return setModeError(parsed.error);
    const next = editorFields(tool, parsed.value);
    if (next.length === 0) return setModeError(`This input no longer has the fields of a ${tool} call.`);
    setBase(parsed.value);
    setFields(next);
    setValues(valuesOf(next, parsed.value));
    setModeError(null);
    setMode('fields');
  }

  const error = modeError ?? (parsed.ok ? null : parsed.error);
  return (
    <form
      className="approval-editor"
      onSubmit={(event) => {
        event.preventDefault();
        if (parsed.ok) onApprove(parsed.value);
      }}
    >
      {mode === 'fields' ? (
        fields.map((field) => (
          <label key={field.key} className="editor-field">
            <span className="field-label">{field.label}</span>
            {field.multiline ? (
              <textarea
                className="text-input mono"
                data-testid="edit-field"
                data-field={field.key}
                rows={Math.min(14, Math.max(3, values[field.key]!.split('\n').length + 1))}
                spellCheck={false}
                value={values[field.key]}
                onChange={(event) => setValues({ ...values, [field.key]: event.target.value })}
              />
            ) : (
              <input
                className="text-input mono"
                data-testid="edit-field"
                data-field={field.key}
                spellCheck={false}
                value={values[field.key]}
                onChange={(event) => setValues({ ...values, [field.key]: event.target.value })}
              />
            )}
          </label>
        ))
      ) : (
        <label className="editor-field">
          <span className="field-label">Input (JSON)</span>
          <textarea
            className="text-input mono"
            data-testid="edit-input"
            rows={Math.min(16, Math.max(4, json.split('\n').length + 1))}
            spellCheck={false}
            aria-invalid={!parsed.ok}
            value={json}
            onChange={(event) => {
              setJson(event.target.value);
              setModeError(null);
            }}
          />
        </label>
      )}
      {error !== null && (
        <p className="field-error" role="alert" data-testid="edit-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="button button-primary"
          data-testid="approve-edited"
          disabled={busy || !parsed.ok}
        >
          Approve edited
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        {fields.length > 0 && (
          <button type="button" className="link" onClick={mode === 'fields' ? toJson : toFields}>
            {mode === 'fields' ? 'Edit as JSON' : 'Back to fields'}
          </button>
        )}
      </div>
    </form>
  );
}
