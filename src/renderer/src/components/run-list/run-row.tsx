// One run in the list: status and goal on the first line, its numbers on the second.
import { memo } from 'react';
import { isRunAgain } from '../../../../shared/run-origin';
import type { RunSummary } from '../../../../shared/run-summary';
import { metricPassed, metricText, runTitle } from '../../../../shared/run-title';
import { formatCompact, formatCost, formatDuration, runDuration, totalTokens } from '../../../../shared/format';
import { RelativeTime } from '../common/relative-time';
import { RunDeleteAction } from './run-delete-action';
import { RuntimeBadges } from '../common/runtime-badges';
import { StatusBadge } from '../common/status-badge';
import './run-list.css';
import { useScrollIntoView } from '../../hooks/use-scroll-into-view';

interface RunRowProps {
  run: RunSummary;
  selected: boolean;
  now: number;
  onSelect: (runId: string) => void;
  /** Whether the run is picked for comparison, and how to pick it. */
  compared: boolean;
  onToggleCompare: (runId: string) => void;
  /** After the run was deleted (from its Delete action). */
  onDeleted: (runId: string) => void;
}

export function runOptionId(runId: string): string {
  return `run-option-${runId}`;
}

/** The run's final metric, as the harness scored it, with ✓ or ✗ against its target. */
function RunMetric({ run }: { run: RunSummary }) {
  if (run.metric === null) return <span className="run-metric muted" data-testid="run-metric" />;
  const passed = metricPassed(run.metric);
  return (
    <span
      className={`run-metric mono${passed === null ? '' : passed ? ' result-pass' : ' result-fail'}`}
      data-testid="run-metric"
      title={metricText(run.metric)}
    >
      {metricText(run.metric, 'short')}
    </span>
  );
}

/** The run's numbers: model, steps, tokens, cost, when it started and how long it took. */
function RunRowMeta({ run, now }: { run: RunSummary; now: number }) {
  return (
    <div className="run-row-meta">
      <span className="run-model" title={run.model}>
        {run.model}
      </span>
      <span className="num">
        {run.steps} {run.steps === 1 ? 'step' : 'steps'}
      </span>
      <span className="num" title={`${run.inputTokens} in / ${run.outputTokens} out`}>
        {formatCompact(totalTokens(run))} tok
      </span>
      <span className="num">{run.cost > 0 ? formatCost(run.cost) : ''}</span>
      <span className="num">
        <RelativeTime time={run.createdAt} now={now} />
      </span>
      <span className="num" title={run.endedAt === null ? 'so far' : 'total'}>
        {formatDuration(runDuration(run))}
      </span>
    </div>
  );
}

/** Where the run comes from: a replay, a run again, or a fork at an event of its parent. */
function RunLineage({ run, parent }: { run: RunSummary; parent: string }) {
  const again = isRunAgain(run);
  const title =
    run.origin === 'replay'
      ? `A replay of ${parent}`
      : again
        ? `Run again of ${parent}`
        : `Forked from ${parent} at event #${run.parentSeq}`;
  return (
    <div className="run-row-fork muted" data-testid="run-fork" title={title}>
      {run.origin === 'replay' || again ? (
        <>
          {run.origin === 'replay' ? 'replay' : 'run again'} of <span className="mono">{parent}</span>
        </>
      ) : (
        <>
          fork of <span className="mono">{parent}</span> @ {run.parentSeq}
        </>
      )}
    </div>
  );
}

export const RunRow = memo(function RunRow({
  run,
  selected,
  now,
  onSelect,
  compared,
  onToggleCompare,
  onDeleted,
}: RunRowProps) {
  const ref = useScrollIntoView<HTMLLIElement>(selected);

  return (
    <li
      ref={ref}
      id={runOptionId(run.id)}
      role="option"
      aria-selected={selected}
      className={selected ? 'run-row selected' : 'run-row'}
      data-testid="run-row"
      data-run-id={run.id}
      onClick={() => onSelect(run.id)}
    >
      <div className="run-row-head">
        <input
          type="checkbox"
          className="compare-pick"
          data-testid="compare-pick"
          aria-label={`Compare ${run.id}`}
          title="Pick two runs to compare"
          checked={compared}
          onClick={(event) => event.stopPropagation()}
          onChange={() => onToggleCompare(run.id)}
        />
        <StatusBadge status={run.status} testId="run-status" />
        <RuntimeBadges run={run} />
        <span className="run-goal" data-testid="run-goal" title={run.goal}>
          {runTitle(run)}
        </span>
        <RunMetric run={run} />
      </div>
      <RunRowMeta run={run} now={now} />
      {selected && (
        <div className="run-row-actions">
          <RunDeleteAction run={run} onDeleted={onDeleted} />
        </div>
      )}
      {run.parentRunId !== null && <RunLineage run={run} parent={run.parentRunId} />}
    </li>
  );
});
