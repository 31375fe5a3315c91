// The home screen's way to start a run: the goal, the model (Ollama's installed ones and those of past
// runs offered; a missing one can be pulled here), a step
// limit, which tools to ask about first, and a token budget. A model that is not ready is reported
// here with what to do; a started run opens.
import { useState, type KeyboardEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { RunSummary } from '../../../../shared/run-summary';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { askNotificationPermission } from '../../notifications';
import {
  askTools,
  DEFAULT_MAX_STEPS,
  toStartInput,
  type AskTool,
  type StartFormValues,
  type StartInput,
} from '../../start-input';
import { useLocalModels } from '../../hooks/use-local-models';
import { maxStepsRule, tokensRule } from '../../number-rules';
import { ErrorBox } from '../common/error-box';
import { NumberField } from '../common/number-field';
import { ModelStatus } from './model-status';
import { SandboxImagePanel } from './sandbox-image-panel';
import { useSandboxImage } from './use-sandbox-image';

const askLabels: Record<AskTool, string> = {
  write: 'writing a file',
  edit: 'editing a file',
  bash: 'running a command',
};

const startRun = (input: StartInput) => request('runs.start', input);

interface StartRunFormProps {
  values: StartFormValues;
  onChange: (values: StartFormValues) => void;
  models: string[];
  onStarted: (run: RunSummary) => void;
  /** The run this one runs again ("Run again"), recorded as its parent. */
  parent?: string | undefined;
}

export function StartRunForm({ values, onChange, models, onStarted, parent }: StartRunFormProps) {
  const start = useAction(startRun);
  const local = useLocalModels();
  const sandbox = useSandboxImage();
  const offered = [...new Set([...(local.list?.ollama.models.map((model) => model.id) ?? []), ...models])];
  const [invalid, setInvalid] = useState<ErrorInfo | null>(null);
  const set = (patch: Partial<StartFormValues>) => onChange({ ...values, ...patch });

  async function submit(): Promise<void> {
    if (start.busy) return;
    const checked = toStartInput(values);
    if (!checked.ok) return setInvalid({ code: 'invalid_input', message: checked.error });
    setInvalid(null);
    askNotificationPermission();
    const run = await start.run(parent === undefined ? checked.input : { ...checked.input, parent });
    if (run !== undefined) onStarted(run);
    // A run that could not start may have found the sandbox image missing: the panel offers to build it.
    else sandbox.refresh();
  }

  function onGoalKey(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void submit();
  }

  const error = invalid ?? start.error;
  return (
    <form
      className="start-form"
      aria-label="Start a run"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 className="start-title">Start a run</h2>
      {!values.hostRuntime && <SandboxImagePanel image={sandbox} />}
      <label className="form-field">
        <span className="field-label">Goal</span>
        <textarea
          className="text-input start-goal"
          data-testid="start-goal"
          rows={5}
          placeholder="Fine-tune a small model on tickets.csv and tell me if it beats TF-IDF + logistic regression."
          value={values.goal}
          onChange={(event) => set({ goal: event.target.value })}
          onKeyDown={onGoalKey}
        />
      </label>
      <div className="form-row">
        <label className="form-field grow">
          <span className="field-label">Model</span>
          <input
            className="text-input mono"
            data-testid="start-model"
            list="known-models"
            spellCheck={false}
            autoComplete="off"
            value={values.model}
            onChange={(event) => set({ model: event.target.value })}
          />
          <datalist id="known-models">
            {offered.map((model) => (
              <option key={model} value={model} />
            ))}
          </datalist>
          <ModelStatus
            model={values.model}
            list={local.list}
            pulls={local.pulls}
            onPull={(name) => void local.pull(name)}
          />
        </label>
        <NumberField
          label="Max steps"
          testId="start-max-steps"
          rule={maxStepsRule}
          placeholder={String(DEFAULT_MAX_STEPS)}
          value={values.maxSteps}
          onChange={(maxSteps) => set({ maxSteps })}
        />
        <NumberField
          label="Token budget"
          testId="start-budget"
          rule={tokensRule}
          placeholder="no limit"
          value={values.tokenBudget}
          onChange={(tokenBudget) => set({ tokenBudget })}
        />
      </div>
      <fieldset className="form-checks">
        <legend className="field-label">Ask me before</legend>
        {askTools.map((tool) => (
          <label key={tool} className="check">
            <input
              type="checkbox"
              data-testid={`ask-${tool}`}
              checked={values.askBefore[tool]}
              onChange={(event) => set({ askBefore: { ...values.askBefore, [tool]: event.target.checked } })}
            />
            {askLabels[tool]} <span className="mono muted">({tool})</span>
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          data-testid="start-host-runtime"
          checked={values.hostRuntime}
          onChange={(event) => set({ hostRuntime: event.target.checked })}
        />
        Run commands on this machine instead of the Docker sandbox
      </label>
      {error !== null && <ErrorBox error={error} testId="start-error" />}
      <div className="button-row">
        <button
          type="submit"
          className="button button-primary button-large"
          data-testid="start-submit"
          disabled={start.busy}
        >
          {start.busy ? 'Checking the model…' : 'Start run'}
        </button>
        <span className="muted">Ctrl+Enter in the goal starts it too.</span>
      </div>
    </form>
  );
}
