// "Save as loop spec" on a finished run: asks for a name, shows what is wrong in place, and once saved
// offers to open the spec in the launcher to run it again (with other parameters or another model).
import { useState } from 'react';
import type { SavedSpecInfo } from '../../../../shared/contract';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { ErrorBox } from '../common/error-box';

const saveSpec = (runId: string, name: string, overwrite: boolean) =>
  request('specs.save', { runId, name: name.trim(), overwrite });

interface SaveSpecDialogProps {
  runId: string;
  suggested: string;
  onOpenLauncher: (saved: SavedSpecInfo) => void;
  onClose: () => void;
}

export function SaveSpecDialog({ runId, suggested, onOpenLauncher, onClose }: SaveSpecDialogProps) {
  const [name, setName] = useState(suggested);
  const [overwrite, setOverwrite] = useState(false);
  const [saved, setSaved] = useState<SavedSpecInfo | undefined>(undefined);
  const save = useAction(saveSpec);

  async function submit(): Promise<void> {
    if (save.busy) return;
    const result = await save.run(runId, name, overwrite);
    if (result !== undefined) setSaved(result);
  }

  if (saved !== undefined) return <SavedSpec saved={saved} onOpenLauncher={onOpenLauncher} onClose={onClose} />;
  return (
    <form
      className="save-spec"
      role="dialog"
      aria-label="Save as loop spec"
      data-testid="save-spec"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label className="form-field">
        <span className="field-label">Spec name (letters, digits, . _ -)</span>
        <input
          className="text-input mono"
          data-testid="save-spec-name"
          value={name}
          autoFocus
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <p className="muted">
        The spec keeps the data this run started with, its parameters, rules, budgets, model and evaluation.
      </p>
      {save.error !== null && (
        <>
          <ErrorBox error={save.error} testId="save-spec-error" />
          {save.error.code === 'conflict' && (
            <label className="checkbox">
              <input type="checkbox" checked={overwrite} onChange={(event) => setOverwrite(event.target.checked)} />{' '}
              Replace the saved spec of that name
            </label>
          )}
        </>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="save-spec-submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface SavedSpecProps {
  saved: SavedSpecInfo;
  onOpenLauncher: (saved: SavedSpecInfo) => void;
  onClose: () => void;
}

/** Once saved: the spec's name and file, what the save noticed, and the way to the launcher. */
function SavedSpec({ saved, onOpenLauncher, onClose }: SavedSpecProps) {
  return (
    <div className="save-spec" role="dialog" aria-label="Saved as a loop spec" data-testid="save-spec-done">
      <p>
        Saved <strong className="mono">{saved.name}</strong> <span className="muted mono">{saved.file}</span>
      </p>
      {saved.notices.map((notice) => (
        <p key={notice} className="muted">
          {notice}
        </p>
      ))}
      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          data-testid="save-spec-open"
          onClick={() => onOpenLauncher(saved)}
        >
          Open in the spec launcher
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
