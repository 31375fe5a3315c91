// Under the start form: run a loop spec (saved in the data folder, or a starter shipped with the app)
// with its parameters, on the model chosen above. A spec with an evaluation gate says what it is judged by.
import { useEffect, useState } from 'react';
import type { SpecInfo } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
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

type Params = Record<string, string>;

const defaultsOf = (spec: SpecInfo | undefined): Params =>
  Object.fromEntries((spec?.params ?? []).map((param) => [param.name, param.default ?? '']));

/**
 * The specs to offer, the one chosen and its parameters. The preset (Run again) is applied once, when
 * the list arrives; the workbench mounts a launcher per preset.
 */
function useSpecChoice(preset: SpecLauncherProps['preset']) {
  const [specs, setSpecs] = useState<SpecInfo[] | undefined>(undefined);
  const [chosen, setChosen] = useState('');
  const [params, setParams] = useState<Params>({});
  useEffect(() => {
    request('specs.list', {}).then(
      (list) => {
        setSpecs(list);
        const next = preset === undefined ? undefined : list.find((candidate) => candidate.name === preset.name);
        if (preset === undefined || next === undefined) return;
        setChosen(next.name);
        setParams({ ...defaultsOf(next), ...preset.params });
      },
      () => setSpecs([]),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the preset is read once, at mount
  }, []);
  const choose = (name: string): void => {
    setChosen(name);
    setParams(defaultsOf(specs?.find((candidate) => candidate.name === name)));
  };
  const spec = specs?.find((candidate) => candidate.name === chosen);
  return { specs, chosen, choose, spec, params, setParams };
}

export function SpecLauncher({ model, onStarted, preset }: SpecLauncherProps) {
  const { specs, chosen, choose, spec, params, setParams } = useSpecChoice(preset);
  const start = useAction(runSpec);
  if (specs === undefined || specs.length === 0) return null;

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
          onChange={(event) => {
            choose(event.target.value);
            start.setError(null);
          }}
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
        <SpecDetails spec={spec} params={params} onParams={setParams} busy={start.busy} error={start.error} />
      )}
    </form>
  );
}

interface SpecDetailsProps {
  spec: SpecInfo;
  params: Params;
  onParams: (params: Params) => void;
  busy: boolean;
  error: ErrorInfo | null;
}

/** The chosen spec: what it does, what judges it, its parameters, and the button that runs it. */
function SpecDetails({ spec, params, onParams, busy, error }: SpecDetailsProps) {
  return (
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
            onChange={(event) => onParams({ ...params, [param.name]: event.target.value })}
          />
        </label>
      ))}
      {error !== null && <ErrorBox error={error} testId="spec-error" />}
      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="spec-submit" disabled={busy}>
          {busy ? 'Checking the model…' : `Run ${spec.name}`}
        </button>
        <span className="muted mono">{spec.file}</span>
      </div>
    </>
  );
}
