// The home screen's way to start a run: the goal, the model (Ollama's installed ones and those of past
// runs offered; a missing one can be pulled here), a step limit, which tools to ask about first, a token
// budget, and where its commands run. A model that is not ready is reported
// here with what to do; a started run opens.
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { RunSummary } from '../../../../shared/run-summary';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { askNotificationPermission } from '../../notifications';
import { DEFAULT_MAX_STEPS, toStartInput, type StartFormValues, type StartInput } from '../../start-input';
import { useLocalModels } from '../../hooks/use-local-models';
import { useModelProbes } from '../../hooks/use-model-probes';
import { maxStepsRule, tokensRule } from '../../number-rules';
import { ErrorBox } from '../common/error-box';
import { NumberField } from '../common/number-field';
import { SandboxImagePanel } from './sandbox-image-panel';
import { AskBeforeFields, GoalField, ModelField, RuntimeFields, type SetValues } from './start-fields';
import { useSandboxImage } from './use-sandbox-image';

const startRun = (input: StartInput) => request('runs.start', input);

interface StartRunFormProps {
  values: StartFormValues;
  onChange: (values: StartFormValues) => void;
  models: string[];
  onStarted: (run: RunSummary) => void;
  /** The run this one runs again ("Run again"), recorded as its parent. */
  parent?: string | undefined;
}

/** Checks the values and starts the run; a run that could not start may have found the image missing. */
function useStartSubmit(values: StartFormValues, parent: string | undefined, onStarted: (run: RunSummary) => void) {
  const start = useAction(startRun);
  const sandbox = useSandboxImage();
  const [invalid, setInvalid] = useState<ErrorInfo | null>(null);

  async function submit(): Promise<void> {
    if (start.busy) return;
    const checked = toStartInput(values);
    if (!checked.ok) return setInvalid({ code: 'invalid_input', message: checked.error });
    setInvalid(null);
    askNotificationPermission();
    const run = await start.run(parent === undefined ? checked.input : { ...checked.input, parent });
    if (run !== undefined) onStarted(run);
    // The sandbox image panel offers to build a missing image.
    else sandbox.refresh();
  }

  return { busy: start.busy, error: invalid ?? start.error, sandbox, submit };
}

export function StartRunForm({ values, onChange, models, onStarted, parent }: StartRunFormProps) {
  const { busy, error, sandbox, submit } = useStartSubmit(values, parent, onStarted);
  const local = useLocalModels();
  const probes = useModelProbes();
  const set: SetValues = (patch) => onChange({ ...values, ...patch });
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
      <GoalField goal={values.goal} set={set} onSubmit={() => void submit()} />
      <div className="form-row">
        <ModelField model={values.model} set={set} local={local} probes={probes} models={models} />
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
      <AskBeforeFields askBefore={values.askBefore} set={set} />
      <RuntimeFields values={values} set={set} />
      {error !== null && <ErrorBox error={error} testId="start-error" />}
      <div className="button-row">
        <button type="submit" className="button button-primary button-large" data-testid="start-submit" disabled={busy}>
          {busy ? 'Checking the model…' : 'Start run'}
        </button>
        <span className="muted">Ctrl+Enter in the goal starts it too.</span>
      </div>
    </form>
  );
}
