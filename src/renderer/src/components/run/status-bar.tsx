// The open run at a glance: what it is doing now (thinking, running a tool, waiting for approval, or
// how it ended), its steps against the limit, tokens against the budget, cost and elapsed time
// (ticking while it is live), with Stop and Resume.
import { useMemo } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { formatCompact, formatCost, formatDuration, totalTokens } from '../../../../shared/format';
import type { RunSummary } from '../../../../shared/run-summary';
import { useNow } from '../../hooks/use-now';
import { elapsedMs, isLive, recordedConfig, runActivity } from '../../run-activity';
import { RunControls } from './run-controls';

interface StatusBarProps {
  summary: RunSummary;
  events: readonly RunEvent[];
  pendingApprovals: number;
  streaming: boolean;
  detached: boolean;
  onDetached: () => void;
  onOpenRun?: (runId: string) => void;
}

export function StatusBar({
  summary,
  events,
  pendingApprovals,
  streaming,
  detached,
  onDetached,
  onOpenRun,
}: StatusBarProps) {
  const live = isLive(summary.status);
  const now = useNow(live ? 1000 : 60_000);
  const activity = useMemo(
    () => runActivity(events, summary.status, pendingApprovals, streaming),
    [events, summary.status, pendingApprovals, streaming],
  );
  const config = useMemo(() => recordedConfig(events), [events]);
  // A resume may raise a limit without recording it, so a limit already passed is not shown.
  const stepLimit = config !== undefined && summary.steps <= config.maxSteps ? config.maxSteps : undefined;
  const tokenBudget = within(totalTokens(summary), config?.budget.tokens);
  const costBudget = within(summary.cost, config?.budget.costUsd);
  const elapsed = elapsedMs(summary, now);

  return (
    <section className="status-bar" data-testid="status-bar" data-state={activity.kind} aria-label="Run status">
      <span className={`activity activity-${activity.kind}`} data-testid="run-activity">
        <span className="activity-dot" aria-hidden="true" />
        {activity.label}
      </span>
      <span className="status-fact" data-testid="status-steps">
        <strong>{summary.steps}</strong>
        {stepLimit !== undefined && <span className="muted"> / {stepLimit}</span>} steps
      </span>
      <span className="status-fact" title={`${summary.inputTokens} in / ${summary.outputTokens} out`}>
        <strong>{formatCompact(totalTokens(summary))}</strong>
        {tokenBudget !== undefined && <span className="muted"> / {formatCompact(tokenBudget)}</span>} tokens
      </span>
      <span className="status-fact" title="Cost of priced remote models">
        <strong>{formatCost(summary.cost)}</strong>
        {costBudget !== undefined && <span className="muted"> / {formatCost(costBudget)}</span>}
      </span>
      <span className="status-fact" data-testid="status-elapsed" title={live ? 'Elapsed so far' : 'Elapsed'}>
        <strong>{formatDuration(live ? Math.floor(elapsed / 1000) * 1000 : elapsed)}</strong>
      </span>
      <span className="status-model mono" title={`Model: ${summary.model}`}>
        {summary.model}
      </span>
      <RunControls
        summary={summary}
        config={config}
        detached={detached}
        onDetached={onDetached}
        {...(onOpenRun === undefined ? {} : { onOpenRun })}
      />
    </section>
  );
}

function within(used: number, limit: number | undefined): number | undefined {
  return limit !== undefined && used <= limit ? limit : undefined;
}
