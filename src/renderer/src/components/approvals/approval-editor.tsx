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

/**
 * The editor's state: the input as fields (over the rest of the input, kept as it was) or as JSON,
 * and switching between them; a JSON that no longer has the tool's fields stays JSON.
 */
function useEditorState(tool: string, input: unknown) {
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

  function editJson(text: string): void {
    setJson(text);
    setModeError(null);
  }

  const error = modeError ?? (parsed.ok ? null : parsed.error);
  return {
    fields,
    values,
    setValues,
    mode,
    json,
    editJson,
    parsed,
    error,
    toggle: mode === 'fields' ? toJson : toFields,
  };
}

function EditorForm({ tool, input, busy, onApprove, onCancel }: ApprovalEditorProps) {
  const editor = useEditorState(tool, input);
  const { fields, mode, parsed, error } = editor;
  return (
    <form
      className="approval-editor"
      onSubmit={(event) => {
        event.preventDefault();
        if (parsed.ok) onApprove(parsed.value);
      }}
    >
      {mode === 'fields' ? (
        <FieldInputs fields={fields} values={editor.values} onChange={editor.setValues} />
      ) : (
        <label className="editor-field">
          <span className="field-label">Input (JSON)</span>
          <textarea
            className="text-input mono"
            data-testid="edit-input"
            rows={Math.min(16, Math.max(4, editor.json.split('\n').length + 1))}
            spellCheck={false}
            aria-invalid={!parsed.ok}
            value={editor.json}
            onChange={(event) => editor.editJson(event.target.value)}
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
          <button type="button" className="link" onClick={editor.toggle}>
            {mode === 'fields' ? 'Edit as JSON' : 'Back to fields'}
          </button>
        )}
      </div>
    </form>
  );
}

interface FieldInputsProps {
  fields: EditorField[];
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
}

/** The tool's fields: a line each, or a box that grows with its text for the long ones (a file's content). */
function FieldInputs({ fields, values, onChange }: FieldInputsProps) {
  return fields.map((field) => {
    const common = {
      className: 'text-input mono',
      'data-testid': 'edit-field',
      'data-field': field.key,
      spellCheck: false,
      value: values[field.key],
    };
    return (
      <label key={field.key} className="editor-field">
        <span className="field-label">{field.label}</span>
        {field.multiline ? (
          <textarea
            {...common}
            rows={Math.min(14, Math.max(3, values[field.key]!.split('\n').length + 1))}
            onChange={(event) => onChange({ ...values, [field.key]: event.target.value })}
          />
        ) : (
          <input {...common} onChange={(event) => onChange({ ...values, [field.key]: event.target.value })} />
        )}
      </label>
    );
  });
}
