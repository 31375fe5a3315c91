// Delete in the run list: asks first, in the row itself; a live run cannot be deleted (the button says
// why, and the main process refuses it too). Deleting removes the run's events, workspace and
// snapshots, then the blobs no other run uses.
import { useState } from 'react';
import type { RunSummary } from '../../../../shared/run-summary';
import { request } from '../../bridge';

interface RunDeleteActionProps {
  run: RunSummary;
  onDeleted: (runId: string) => void;
}

export function RunDeleteAction({ run, onDeleted }: RunDeleteActionProps) {
  const [state, setState] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [error, setError] = useState<string | null>(null);
  const live = run.status === 'running' || run.status === 'waiting';

  function remove(): void {
    setState('busy');
    request('runs.delete', { runIds: [run.id] }).then(
      () => onDeleted(run.id),
      (failure: unknown) => {
        setError(failure instanceof Error ? failure.message : String(failure));
        setState('idle');
      },
    );
  }

  return (
    // Clicks here act on the action, not on the row (which would open the run).
    <span className="run-delete" onClick={(event) => event.stopPropagation()}>
      {state === 'idle' ? (
        <button
          type="button"
          className="button button-small"
          data-testid="run-delete"
          disabled={live}
          title={live ? 'A live run cannot be deleted: stop it first' : 'Delete this run and its files'}
          onClick={() => {
            setError(null);
            setState('confirm');
          }}
        >
          Delete
        </button>
      ) : (
        <span className="run-delete-confirm" role="group" aria-label={`Delete ${run.id}?`}>
          <span>Delete run, workspace and snapshots?</span>
          <button
            type="button"
            className="button button-small button-danger"
            data-testid="run-delete-confirm"
            disabled={state === 'busy'}
            onClick={remove}
          >
            Delete
          </button>
          <button type="button" className="button button-small" onClick={() => setState('idle')}>
            Cancel
          </button>
        </span>
      )}
      {error !== null && (
        <span className="run-delete-error" role="alert" data-testid="run-delete-error">
          {error}
        </span>
      )}
    </span>
  );
}
