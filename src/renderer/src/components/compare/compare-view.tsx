// Two runs side by side: their figures (status, tokens, cost, time, last metrics and evaluations), then
// their steps aligned, each marked same or different, with the first difference called out.
import { useEffect, useState } from 'react';
import type { AlignedStep, RunComparison, RunSide } from '../../../../shared/compare-runs';
import { formatCompact, formatCost, formatDuration, formatMetric } from '../../../../shared/format';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { loading, type Loadable } from '../../hooks/loadable';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';

interface CompareViewProps {
  a: string;
  b: string;
  onOpenRun: (runId: string) => void;
  onClose: () => void;
}

const matchLabels: Record<AlignedStep['match'], string> = {
  same: '=',
  different: '≠',
  'only-a': 'only A',
  'only-b': 'only B',
};

export function CompareView({ a, b, onOpenRun, onClose }: CompareViewProps) {
  const [attempt, setAttempt] = useState(0);
  const key = `${a} ${b} ${attempt}`;
  const [loaded, setLoaded] = useState<{ key: string; value: Loadable<RunComparison> } | null>(null);
  useEffect(() => {
    let live = true;
    request('runs.compare', { a, b }).then(
      (value) => live && setLoaded({ key, value: { status: 'ready', value } }),
      (error: unknown) => live && setLoaded({ key, value: { status: 'error', error: toErrorInfo(error) } }),
    );
    return () => {
      live = false;
    };
  }, [a, b, key]);
  const comparison = loaded?.key === key ? loaded.value : loading;

  return (
    <div className="run-detail compare-view" data-testid="compare-view">
      <div className="pane-caption">
        <span>Comparing two runs</span>
        <button type="button" className="button" data-testid="close-compare" onClick={onClose}>
          Close
        </button>
      </div>
      {comparison.status === 'loading' && <LoadingLine label="Comparing…" />}
      {comparison.status === 'error' && (
        <ErrorBox error={comparison.error} onRetry={() => setAttempt((count) => count + 1)} />
      )}
      {comparison.status === 'ready' && <Comparison comparison={comparison.value} onOpenRun={onOpenRun} />}
    </div>
  );
}

function Comparison({ comparison, onOpenRun }: { comparison: RunComparison; onOpenRun: (runId: string) => void }) {
  const { a, b, steps, firstDivergence } = comparison;
  return (
    <>
      <FiguresTable a={a} b={b} onOpenRun={onOpenRun} />
      <p data-testid="compare-verdict">
        {firstDivergence === null
          ? `The runs take the same ${steps.length} steps.`
          : `The runs diverge at step ${firstDivergence + 1} of ${steps.length}.`}
      </p>
      <table className="compare-steps" data-testid="compare-steps">
        <thead>
          <tr>
            <th>#</th>
            <th />
            <th>A</th>
            <th>B</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step) => (
            <tr
              key={step.index}
              className={`compare-${step.match}${step.index === firstDivergence ? ' compare-first' : ''}`}
              data-testid="compare-step"
              data-match={step.match}
            >
              <td className="num">{step.index + 1}</td>
              <td>{matchLabels[step.match]}</td>
              <td title={step.a?.detail}>{step.a?.label ?? '—'}</td>
              <td title={step.b?.detail}>{step.b?.label ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function FiguresTable({ a, b, onOpenRun }: { a: RunSide; b: RunSide; onOpenRun: (runId: string) => void }) {
  const rows: [string, string, string][] = [
    ['status', a.status, b.status],
    ['model', a.model, b.model],
    ['origin', a.origin, b.origin],
    ['steps', String(a.steps), String(b.steps)],
    ['tool calls', String(a.toolCalls), String(b.toolCalls)],
    ['tokens', formatCompact(a.inputTokens + a.outputTokens), formatCompact(b.inputTokens + b.outputTokens)],
    ['cost', formatCost(a.cost), formatCost(b.cost)],
    ['elapsed', formatDuration(a.elapsedMs), formatDuration(b.elapsedMs)],
  ];
  const value = (values: Record<string, number>, name: string) =>
    values[name] === undefined ? '—' : formatMetric(values[name]);
  for (const name of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort())
    rows.push([name, value(a.metrics, name), value(b.metrics, name)]);
  for (const name of [...new Set([...Object.keys(a.evaluations), ...Object.keys(b.evaluations)])].sort())
    rows.push([`${name} (evaluation)`, value(a.evaluations, name), value(b.evaluations, name)]);
  return (
    <table className="compare-figures" data-testid="compare-figures">
      <thead>
        <tr>
          <th />
          {[a, b].map((side) => (
            <th key={side.runId}>
              <button type="button" className="link mono" onClick={() => onOpenRun(side.runId)}>
                {side.runId}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, left, right]) => (
          <tr key={label} className={left === right ? undefined : 'compare-different'}>
            <th scope="row">{label}</th>
            <td>{left}</td>
            <td>{right}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
