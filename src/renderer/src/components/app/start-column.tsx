// The home screen's right pane: the form that starts a run from a goal, then the loop specs to run.
// When the person chose "run again", a note above them names the run it comes from.
import { useMemo, type Dispatch, type SetStateAction } from 'react';
import type { RunSummary } from '../../../../shared/run-summary';
import type { RunAgain } from '../../run-again';
import type { StartFormValues } from '../../start-input';
import { SpecLauncher } from '../start/spec-launcher';
import { StartRunForm } from '../start/start-run-form';

interface StartColumnProps {
  again: RunAgain | null;
  draft: StartFormValues;
  onDraft: Dispatch<SetStateAction<StartFormValues>>;
  models: string[];
  onStarted: (run: RunSummary) => void;
  onOpenRun: (runId: string) => void;
  onCancelAgain: () => void;
}

export function StartColumn({ again, draft, onDraft, models, onStarted, onOpenRun, onCancelAgain }: StartColumnProps) {
  const launcherPreset = useMemo(
    () => (again?.spec === undefined ? undefined : { ...again.spec, parent: again.parent }),
    [again],
  );
  return (
    <div className="start-column">
      {again !== null && <RunAgainNote again={again} onOpenRun={onOpenRun} onCancel={onCancelAgain} />}
      <StartRunForm
        values={draft}
        onChange={onDraft}
        models={models}
        onStarted={onStarted}
        parent={again !== null && again.spec === undefined ? again.parent : undefined}
      />
      <SpecLauncher
        key={launcherPreset === undefined ? 'specs' : `again:${launcherPreset.parent}:${launcherPreset.name}`}
        model={draft.model}
        onStarted={onStarted}
        preset={launcherPreset}
      />
    </div>
  );
}

function RunAgainNote({
  again,
  onOpenRun,
  onCancel,
}: {
  again: RunAgain;
  onOpenRun: (runId: string) => void;
  onCancel: () => void;
}) {
  return (
    <p className="run-again-note" data-testid="run-again-note">
      Running again{' '}
      <button type="button" className="link mono" onClick={() => onOpenRun(again.parent)}>
        {again.parent}
      </button>
      {again.spec === undefined
        ? ': change the goal, model or limits below, then start.'
        : `: loop spec ${again.spec.name} below, with its parameters; change them or the model, then run.`}{' '}
      <button type="button" className="link" data-testid="run-again-cancel" onClick={onCancel}>
        Cancel
      </button>
    </p>
  );
}
