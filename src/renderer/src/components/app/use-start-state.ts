// What the home screen's start pane keeps while other views are open: the start form's values and the
// run the person chose to run again. The form's model follows the settings' default model until the
// person types another; the settings are read again each time they close.
import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { RunSummary } from '../../../../shared/run-summary';
import { request } from '../../bridge';
import type { RunAgain } from '../../run-again';
import { DEFAULT_MODEL, initialStartValues, type StartFormValues } from '../../start-input';
import type { Selection } from './route';

export interface StartState {
  draft: StartFormValues;
  setDraft: Dispatch<SetStateAction<StartFormValues>>;
  again: RunAgain | null;
  setAgain: (again: RunAgain | null) => void;
  /** A run started from the form or a spec: clear the goal and open the run. */
  onStarted: (run: RunSummary) => void;
  /** Bring a run's goal (or spec) and model back into the start pane. */
  runAgain: (next: RunAgain) => void;
}

function useSettingsModel(settingsOpen: boolean, setDraft: Dispatch<SetStateAction<StartFormValues>>): void {
  const settingsModel = useRef(DEFAULT_MODEL);
  useEffect(() => {
    if (settingsOpen) return;
    request('settings.get', {}).then(
      ({ settings, overrides }) => {
        if (overrides.defaultModel !== undefined) return;
        const previous = settingsModel.current;
        settingsModel.current = settings.defaultModel;
        setDraft((current) =>
          current.model === previous || current.model === '' ? { ...current, model: settings.defaultModel } : current,
        );
      },
      () => undefined,
    );
  }, [settingsOpen, setDraft]);
}

export function useStartState(
  settingsOpen: boolean,
  closeSettings: () => void,
  setSelection: (next: Selection | null) => void,
): StartState {
  const [draft, setDraft] = useState(initialStartValues);
  const [again, setAgain] = useState<RunAgain | null>(null);
  useSettingsModel(settingsOpen, setDraft);
  const onStarted = useCallback(
    (run: RunSummary) => {
      setDraft((current) => ({ ...current, goal: '' }));
      setAgain(null);
      setSelection({ runId: run.id });
    },
    [setSelection],
  );
  const runAgain = useCallback(
    (next: RunAgain) => {
      setAgain(next);
      // A spec's run again is in the launcher below; the goal form is left for a plain run.
      setDraft((current) => ({
        ...current,
        goal: next.spec === undefined ? next.goal : current.goal,
        model: next.model,
      }));
      closeSettings();
      setSelection(null);
    },
    [closeSettings, setSelection],
  );
  return { draft, setDraft, again, setAgain, onStarted, runAgain };
}
