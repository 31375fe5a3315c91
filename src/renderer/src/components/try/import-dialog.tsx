// "Import into Ollama" on a model file a job saved (an adapter's or merged weights'): a small dialog
// asks for the new model's name (and, for an adapter, its Ollama base when the adapter's config names
// none Looplab knows), then shows Ollama's progress until the model exists.
import { useEffect, useState } from 'react';
import type { PushTypes } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatSize } from '../../../../shared/format';
import { getBridge, request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { ErrorBox } from '../common/error-box';
import { rememberImport } from './imported-models';
import './try-it.css';

/** Whether a saved file is the weights of a model folder Ollama can import (one button per folder). */
export function isImportable(path: string): boolean {
  return /(^|\/)(adapter_model|model(-00001-of-\d+)?)\.safetensors$/.test(path);
}

const folderOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** A name Ollama takes, from the folder: `outputs/adapter` of run_abc123 → `adapter-abc123`. */
function suggestedName(runId: string, folder: string): string {
  const last = folder.split('/').pop() ?? 'model';
  return `${last.replace(/[^a-zA-Z0-9._-]/g, '-') || 'model'}-${runId.slice(-6)}`.toLowerCase();
}

type Progress = PushTypes['models.progress'];

function progressText(progress: Progress): string {
  const size =
    progress.total !== undefined && progress.total > 0 && progress.completed !== undefined
      ? ` (${formatSize(progress.completed)} of ${formatSize(progress.total)})`
      : '';
  return `${progress.status}${size}`;
}

/** One import's progress: Ollama's statuses so far, the latest, and how it ended. */
function useImport(runId: string, folder: string) {
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  /** The statuses Ollama has gone through, as the terminal prints them. */
  const [steps, setSteps] = useState<readonly string[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [model, setModel] = useState('');

  useEffect(
    () =>
      getBridge()?.subscribe('models.progress', (update) => {
        if (update.name !== model || model === '') return;
        setProgress(update);
        if (!update.done) setSteps((seen) => (seen.at(-1) === update.status ? seen : [...seen, update.status]));
        if (update.done && update.error !== undefined) setError(update.error);
        if (update.done && update.error === undefined) rememberImport(runId, model);
      }),
    [model, runId],
  );

  async function start(name: string, base: string, force: boolean): Promise<void> {
    setError(null);
    setModel(name);
    setProgress({ name, status: 'starting', done: false });
    setSteps([]);
    try {
      await request('models.import', { runId, path: folder, name, ...(base === '' ? {} : { base }), force });
    } catch (failure) {
      setProgress(undefined);
      setError(toErrorInfo(failure));
    }
  }
  const busy = progress !== undefined && !progress.done;
  const done = progress?.done === true && progress.error === undefined;
  return { progress, steps, error, busy, done, start };
}

interface ImportDialogProps {
  runId: string;
  /** The file the button was on; its folder is imported. */
  path: string;
  onClose: () => void;
}

export function ImportDialog({ runId, path, onClose }: ImportDialogProps) {
  const folder = folderOf(path);
  const adapter = path.endsWith('adapter_model.safetensors');
  const [name, setName] = useState(() => suggestedName(runId, folder));
  const [base, setBase] = useState('');
  const [force, setForce] = useState(false);
  const run = useImport(runId, folder);
  const locked = run.busy || run.done;
  return (
    <form
      className="save-spec import-dialog"
      role="dialog"
      aria-label="Import into Ollama"
      data-testid="import-dialog"
      onSubmit={(event) => {
        event.preventDefault();
        if (!run.busy) void run.start(name.trim(), base.trim(), force);
      }}
    >
      <p>
        {adapter ? 'A LoRA adapter' : 'Merged weights'} in <span className="mono">{folder}</span>
      </p>
      <label className="form-field">
        <span className="field-label">Model name in Ollama</span>
        <input
          className="text-input mono"
          data-testid="import-name"
          value={name}
          autoFocus
          disabled={locked}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      {adapter && (
        <label className="form-field">
          <span className="field-label">Ollama base model</span>
          <input
            className="text-input mono"
            data-testid="import-base"
            value={base}
            placeholder="from adapter_config.json"
            disabled={locked}
            onChange={(event) => setBase(event.target.value)}
          />
        </label>
      )}
      <ImportProgress run={run} name={name.trim()} force={force} onForce={setForce} />
      <div className="button-row">
        {!run.done && (
          <button type="submit" className="button button-primary" data-testid="import-submit" disabled={run.busy}>
            {run.busy ? 'Importing…' : 'Import'}
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          {run.done ? 'Close' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}

interface ImportProgressProps {
  run: ReturnType<typeof useImport>;
  name: string;
  force: boolean;
  onForce: (force: boolean) => void;
}

/** Ollama's statuses so far, the latest with its size, and how it ended (a name taken offers to replace it). */
function ImportProgress({ run, name, force, onForce }: ImportProgressProps) {
  return (
    <>
      {run.steps.length > 0 && (
        <ol className="import-steps muted mono" data-testid="import-steps">
          {run.steps.map((step, index) => (
            <li key={`${index}-${step}`}>{step}</li>
          ))}
        </ol>
      )}
      {run.progress !== undefined && (
        <p className="import-progress" data-testid="import-progress" aria-live="polite">
          {run.done
            ? `Created ${name}: try it below, or use ollama/${name} as a run's model.`
            : progressText(run.progress)}
        </p>
      )}
      {run.error !== null && (
        <>
          <ErrorBox error={run.error} testId="import-error" />
          {run.error.code === 'conflict' && (
            <label className="checkbox">
              <input type="checkbox" checked={force} onChange={(event) => onForce(event.target.checked)} /> Replace the
              Ollama model of that name
            </label>
          )}
        </>
      )}
    </>
  );
}
