// Under the start form: run a loop spec (saved in the data folder, or a starter shipped with the app)
// with its parameters, on the model chosen above. A spec with an evaluation gate says what it is judged by.
import { useEffect, useState } from 'react';
import type { SpecInfo } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-summary';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { ErrorBox } from '../common/error-box';

interface SpecLauncherProps {
  model: string;
  onStarted: (run: RunSummary) => void;
  /** "Run again": the spec chosen, its parameters filled in (over its defaults), and the run it comes from. */
  preset?: { name: string; params: Record<string, string>; parent: string } | undefined;
}

const runSpec = (spec: string, params: Record<string, string>, model: string, parent: string | undefined) =>
  request('specs.run', {
    spec,
    params,
    ...(model.trim() === '' ? {} : { model: model.trim() }),
    ...(parent === undefined ? {} : { parent }),
  });

export function SpecLauncher({ model, onStarted, preset }: SpecLauncherProps) {
  const [specs, setSpecs] = useState<SpecInfo[] | undefined>(undefined);
  const [chosen, setChosen] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const start = useAction(runSpec);

  // The preset (Run again) is applied once, when the list arrives; the workbench mounts a launcher per preset.
  useEffect(() => {
    request('specs.list', {}).then(
      (list) => {
        setSpecs(list);
        const next = preset === undefined ? undefined : list.find((candidate) => candidate.name === preset.name);
        if (preset === undefined || next === undefined) return;
        setChosen(next.name);
        const defaults = Object.fromEntries(next.params.map((param) => [param.name, param.default ?? '']));
        setParams({ ...defaults, ...preset.params });
      },
      () => setSpecs([]),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the preset is read once, at mount
  }, []);

  if (specs === undefined || specs.length === 0) return null;
  const spec = specs.find((candidate) => candidate.name === chosen);

  function choose(name: string): void {
    setChosen(name);
    const next = specs?.find((candidate) => candidate.name === name);
    setParams(Object.fromEntries((next?.params ?? []).map((param) => [param.name, param.default ?? ''])));
    start.setError(null);
  }

  async function submit(): Promise<void> {
    if (spec === undefined || start.busy) return;
    const run = await start.run(spec.name, params, model, preset?.name === spec.name ? preset.parent : undefined);
    if (run !== undefined) onStarted(run);
  }

  return (
    <form
      className="start-form spec-launcher"
      aria-label="Run a loop spec"
      data-testid="spec-launcher"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 className="start-title">Or run a loop spec</h2>
      <label className="form-field">
        <span className="field-label">Loop spec</span>
        <select
          className="text-input"
          data-testid="spec-select"
          value={chosen}
          onChange={(event) => choose(event.target.value)}
        >
          <option value="">Choose a saved or starter spec…</option>
          {specs.map((candidate) => (
            <option key={candidate.file} value={candidate.name} disabled={candidate.error !== undefined}>
              {candidate.name}
              {candidate.error === undefined ? '' : ' (broken)'}
            </option>
          ))}
        </select>
      </label>
      {spec !== undefined && (
        <>
          {spec.description !== undefined && <p className="muted">{spec.description}</p>}
          {spec.metric !== undefined && (
            <p className="muted" data-testid="spec-gate">
              Judged by the harness on {spec.metric}
              {spec.target === undefined ? '' : `, target ${spec.target}`}, on data the agent never sees.
            </p>
          )}
          {spec.params.map((param) => (
            <label key={param.name} className="form-field">
              <span className="field-label">
                {param.name}
                {param.description === undefined ? '' : ` — ${param.description}`}
              </span>
              <input
                className="text-input mono"
                data-testid={`spec-param-${param.name}`}
                value={params[param.name] ?? ''}
                onChange={(event) => setParams({ ...params, [param.name]: event.target.value })}
              />
            </label>
          ))}
          {start.error !== null && <ErrorBox error={start.error} testId="spec-error" />}
          <div className="button-row">
            <button type="submit" className="button button-primary" data-testid="spec-submit" disabled={start.busy}>
              {start.busy ? 'Checking the model…' : `Run ${spec.name}`}
            </button>
            <span className="muted mono">{spec.file}</span>
          </div>
        </>
      )}
    </form>
  );
}
