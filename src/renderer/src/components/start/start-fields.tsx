// The start form's fields, each a part of what a run is given: the goal (Ctrl+Enter starts the run),
// the model (installed and past models offered, with its status and its probe below), which tools ask first, and
// where its commands run.
import type { KeyboardEvent } from 'react';
import type { LocalModels } from '../../hooks/use-local-models';
import type { ModelProbes } from '../../hooks/use-model-probes';
import { askTools, type AskTool, type StartFormValues } from '../../start-input';
import { ModelProbeStatus } from './model-probe-status';
import { ModelStatus } from './model-status';

/** A change to some of the form's values. */
export type SetValues = (patch: Partial<StartFormValues>) => void;

export function GoalField({ goal, set, onSubmit }: { goal: string; set: SetValues; onSubmit: () => void }) {
  function onKey(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    onSubmit();
  }
  return (
    <label className="form-field">
      <span className="field-label">Goal</span>
      <textarea
        className="text-input start-goal"
        data-testid="start-goal"
        rows={5}
        placeholder="Fine-tune a small model on tickets.csv and tell me if it beats TF-IDF + logistic regression."
        value={goal}
        onChange={(event) => set({ goal: event.target.value })}
        onKeyDown={onKey}
      />
    </label>
  );
}

interface ModelFieldProps {
  model: string;
  set: SetValues;
  local: LocalModels;
  probes: ModelProbes;
  /** Models of past runs, offered after the installed ones. */
  models: string[];
}

export function ModelField({ model, set, local, probes, models }: ModelFieldProps) {
  const offered = [...new Set([...(local.list?.ollama.models.map((item) => item.id) ?? []), ...models])];
  return (
    <label className="form-field grow">
      <span className="field-label">Model</span>
      <input
        className="text-input mono"
        data-testid="start-model"
        list="known-models"
        spellCheck={false}
        autoComplete="off"
        value={model}
        onChange={(event) => set({ model: event.target.value })}
      />
      <datalist id="known-models">
        {offered.map((item) => (
          <option key={item} value={item} />
        ))}
      </datalist>
      <ModelStatus model={model} list={local.list} pulls={local.pulls} onPull={(name) => void local.pull(name)} />
      <ModelProbeStatus model={model} probes={probes} />
    </label>
  );
}

const askLabels: Record<AskTool, string> = {
  write: 'writing a file',
  edit: 'editing a file',
  bash: 'running a command',
};

export function AskBeforeFields({ askBefore, set }: { askBefore: StartFormValues['askBefore']; set: SetValues }) {
  return (
    <fieldset className="form-checks">
      <legend className="field-label">Ask me before</legend>
      {askTools.map((tool) => (
        <label key={tool} className="check">
          <input
            type="checkbox"
            data-testid={`ask-${tool}`}
            checked={askBefore[tool]}
            onChange={(event) => set({ askBefore: { ...askBefore, [tool]: event.target.checked } })}
          />
          {askLabels[tool]} <span className="mono muted">({tool})</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Where the run's commands run: the Docker sandbox, or this machine. */
export function RuntimeFields({ values, set }: { values: StartFormValues; set: SetValues }) {
  return (
    <label className="check">
      <input
        type="checkbox"
        data-testid="start-host-runtime"
        checked={values.hostRuntime}
        onChange={(event) => set({ hostRuntime: event.target.checked })}
      />
      Run commands on this machine instead of the Docker sandbox
    </label>
  );
}
