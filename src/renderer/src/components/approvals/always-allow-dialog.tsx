// "Always allow this": the allow rule a pending call suggests (a command's first word, a file's path),
// editable before it is saved to the default rules and applied to this run from now on.
import { useState } from 'react';
import type { ApprovalRule } from '../../../../shared/loop-config';
import { suggestedRule, textField } from '../../settings-form';
import { TextField } from '../common/text-field';

interface AlwaysAllowDialogProps {
  tool: string;
  input: unknown;
  busy: boolean;
  onConfirm: (rule: ApprovalRule) => void;
  onCancel: () => void;
}

export function AlwaysAllowDialog({ tool, input, busy, onConfirm, onCancel }: AlwaysAllowDialogProps) {
  const suggested = suggestedRule(tool, input);
  const [arg, setArg] = useState(suggested.arg ?? '');
  const [pattern, setPattern] = useState(suggested.pattern ?? '');
  const argName = textField(arg);
  const patternText = textField(pattern);
  const incomplete = (argName === undefined) !== (patternText === undefined);

  function confirm(): void {
    if (incomplete) return;
    onConfirm(
      argName === undefined || patternText === undefined
        ? { tool, action: 'allow' }
        : { tool, arg: argName, pattern: patternText, action: 'allow' },
    );
  }

  return (
    <div className="always-allow" role="dialog" aria-label={`Always allow ${tool}`} data-testid="always-allow-dialog">
      <p className="muted">
        Allow <span className="mono">{tool}</span> without asking, in this run from now on and in new runs, where
      </p>
      <div className="form-row">
        <TextField
          label="Argument"
          className="narrow"
          testId="always-allow-arg"
          placeholder="any call"
          value={arg}
          onChange={setArg}
        />
        <TextField
          label="matches (* any text)"
          className="grow"
          testId="always-allow-pattern"
          value={pattern}
          onChange={setPattern}
        />
      </div>
      {incomplete && <span className="field-error">Give both the argument and its pattern, or neither.</span>}
      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          data-testid="always-allow-confirm"
          disabled={busy || incomplete}
          onClick={confirm}
        >
          Allow and approve
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
