// What came of a run, in one line under its title: the metric against its target (✓ or ✗), why it
// ended, and what it took (cost, tokens, time) — the same figures, in the same words, as the run list
// and `looplab runs` — and, with an allow-list, the connections its sandbox made.
import { formatCompact, formatCost, formatDuration, runDuration, totalTokens } from '../../../../shared/format';
import type { NetworkFacts } from '../../../../shared/network-facts';
import type { RunSummary } from '../../../../shared/run-summary';
import { metricPassed, metricText } from '../../../../shared/run-title';
import { isLive } from '../../run-activity';

export function ResultChip({ summary, network }: { summary: RunSummary; network?: NetworkFacts | undefined }) {
  const { metric } = summary;
  const passed = metric === null ? null : metricPassed(metric);
  const tone = passed === null ? 'none' : passed ? 'pass' : 'fail';
  return (
    <div className="result-line" data-testid="run-result">
      {metric !== null && (
        <span
          className={`result-chip result-${tone}`}
          data-testid="result-metric"
          title={metric.attempt === null ? 'The latest evaluation' : `Evaluated after attempt ${metric.attempt}`}
        >
          {metricText(metric)}
        </span>
      )}
      {summary.reason !== null && (
        <span className={`result-reason status-text-${summary.status}`} data-testid="result-reason">
          {summary.reason}
        </span>
      )}
      <span className="result-facts muted">
        {formatCost(summary.cost)} · {formatCompact(totalTokens(summary))} tokens ·{' '}
        {formatDuration(runDuration(summary))}
        {isLive(summary.status) ? ' so far' : ''}
        {network !== undefined && (
          <span data-testid="result-network" title={network.hosts.join(', ')}>
            {' '}
            · {network.connections} {network.connections === 1 ? 'connection' : 'connections'}
            {network.refused > 0 ? ` (${network.refused} refused)` : ''}
          </span>
        )}
      </span>
    </div>
  );
}
