// Two runs side by side: their figures (status, tokens, cost, time, last metrics and evaluations), then
// their steps aligned, each marked same or different, with the first difference called out. Each metric
// says which side did better. Ids, times and durations are judged as replay judges them.
import { useEffect, useState } from 'react';
import { deltaText, type MetricDelta } from '../../../../shared/compare-metrics';
import type { AlignedStep, RunComparison } from '../../../../shared/compare-runs';
import { formatCompact, formatCost, formatDuration, formatMetric } from '../../../../shared/format';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { loading, type Loadable } from '../../hooks/loadable';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import './compare-view.css';

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
  const { steps, firstDivergence } = comparison;
  return (
    <>
      <FiguresTable comparison={comparison} onOpenRun={onOpenRun} />
      <p className="compare-verdict" data-testid="compare-verdict">
        {firstDivergence === null
          ? `The runs take the same ${steps.length} steps.`
          : `The runs diverge at step ${firstDivergence + 1} of ${steps.length}.`}
      </p>
      <p className="compare-note muted">
        Ids Looplab makes, container ids, times and durations are not counted as differences, as in a replay.
      </p>
      <table className="compare-steps" data-testid="compare-steps">
        <colgroup>
          <col className="compare-num-col" />
          <col className="compare-mark-col" />
          <col />
          <col />
        </colgroup>
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

/** Rows that differ between any two runs by nature (a replay's origin, the time taken): not marked. */
const natural = new Set(['origin', 'elapsed']);

function FiguresTable({ comparison, onOpenRun }: { comparison: RunComparison; onOpenRun: (runId: string) => void }) {
  const { a, b, deltas } = comparison;
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
  return (
    <table className="compare-figures" data-testid="compare-figures">
      <colgroup>
        <col className="compare-label-col" />
        <col />
        <col />
        <col className="compare-delta-col" />
      </colgroup>
      <thead>
        <tr>
          <th />
          {[a, b].map((side, index) => (
            <th key={`${index}-${side.runId}`}>
              <span className="compare-side">{index === 0 ? 'A' : 'B'}</span>
              <button type="button" className="link mono" onClick={() => onOpenRun(side.runId)}>
                {side.runId}
              </button>
            </th>
          ))}
          <th>B − A</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, left, right]) => (
          <tr key={label} className={left === right || natural.has(label) ? undefined : 'compare-different'}>
            <th scope="row">{label}</th>
            <td title={left}>{left}</td>
            <td title={right}>{right}</td>
            <td />
          </tr>
        ))}
        {deltas.map((metric) => (
          <MetricRow key={`${metric.source} ${metric.name}`} metric={metric} />
        ))}
      </tbody>
    </table>
  );
}

function MetricRow({ metric }: { metric: MetricDelta }) {
  const value = (side: number | null) => (side === null ? '—' : formatMetric(side));
  const mark = (side: 'a' | 'b') => (metric.winner === side ? 'compare-better' : undefined);
  return (
    <tr data-testid="compare-metric" data-metric={metric.name} data-winner={metric.winner ?? ''}>
      <th scope="row" title={`${metric.better} is better`}>
        {metric.name}
        {metric.source === 'evaluation' && <span className="muted"> (evaluation)</span>}
        <span className="muted compare-direction"> {metric.better === 'higher' ? '↑' : '↓'}</span>
      </th>
      <td className={mark('a')}>{value(metric.a)}</td>
      <td className={mark('b')}>{value(metric.b)}</td>
      <td className="compare-delta" data-testid="compare-delta">
        {deltaText(metric)}
      </td>
    </tr>
  );
}
