// The head of a run's detail: its status and short title, its result (the metric against its target,
// why it ended, what it took), the goal in full one click away, the agent's plan, and (folded away,
// since the status bar carries the live numbers) every fact the summary keeps.
import { useState, type ReactNode } from 'react';
import type { Content } from '../../../../shared/events';
import type { RunState } from '../../../../shared/run-state';
import { isRunAgain, type RunSummary } from '../../../../shared/run-summary';
import { runTitle } from '../../../../shared/run-title';
import {
  formatCompact,
  formatCost,
  formatDateTime,
  formatDuration,
  runDuration,
  totalTokens,
} from '../../../../shared/format';
import { useNow } from '../../hooks/use-now';
import { BlobContent } from '../common/blob-content';
import { PlanList } from './plan-list';
import type { NetworkFacts } from '../../../../shared/network-facts';
import { ResultChip } from './result-chip';
import './run-overview.css';
import { RelativeTime } from '../common/relative-time';
import { RuntimeBadges } from '../common/runtime-badges';
import { StatusBadge } from '../common/status-badge';

/** Older than this, the relative time would only repeat the date. */
const RECENT_MS = 7 * 24 * 3600_000;

interface RunOverviewProps {
  summary: RunSummary;
  /** The goal as recorded, which may be longer than the summary's copy. */
  goal: Content | undefined;
  plan: RunState['plan'];
  /** The connections its sandbox made through its egress proxy, when it has an allow-list and made some. */
  network?: NetworkFacts | undefined;
  onOpenRun: (runId: string) => void;
}

export function RunOverview({ summary, goal, plan, network, onOpenRun }: RunOverviewProps) {
  const now = useNow();
  const [open, setOpen] = useState(false);
  const title = runTitle(summary);
  return (
    <section className="run-overview" aria-label="Run summary">
      <div className="run-overview-head">
        <StatusBadge status={summary.status} />
        <RuntimeBadges run={summary} />
        <h2 className="run-title" data-testid="run-title" title={title}>
          {title}
        </h2>
        <span className="muted run-created" title={summary.id}>
          {now - summary.createdAt < RECENT_MS ? (
            <RelativeTime time={summary.createdAt} now={now} />
          ) : (
            formatDateTime(summary.createdAt)
          )}
        </span>
      </div>
      <ResultChip summary={summary} network={network} />
      <div className="run-goal-toggle">
        <button
          type="button"
          className="link"
          aria-expanded={open}
          data-testid="toggle-goal"
          onClick={() => setOpen(!open)}
        >
          {open ? '▾ Goal and details' : '▸ Goal and details'}
        </button>
        <span className="run-goal-preview muted" onClick={() => setOpen(!open)}>
          {open ? '' : summary.goal}
        </span>
        <Lineage summary={summary} onOpenRun={onOpenRun} />
      </div>
      {open && (
        <div className="run-goal-full" data-testid="run-goal-full">
          {goal === undefined || typeof goal === 'string' ? (
            <p>{typeof goal === 'string' ? goal : summary.goal}</p>
          ) : (
            <BlobContent content={goal} />
          )}
          <Facts summary={summary} />
        </div>
      )}
      <PlanList plan={plan} />
    </section>
  );
}

function Lineage({ summary, onOpenRun }: { summary: RunSummary; onOpenRun: (runId: string) => void }) {
  if (summary.parentRunId === null) return null;
  return (
    <span className="run-fork muted">
      {summary.origin === 'replay' ? 'A replay of' : isRunAgain(summary) ? 'Run again of' : 'Forked from'}{' '}
      <button type="button" className="link mono" onClick={() => onOpenRun(summary.parentRunId!)}>
        {summary.parentRunId}
      </button>
      {summary.origin === 'fork' && summary.parentSeq !== null && <> at event #{summary.parentSeq}</>}
    </span>
  );
}

function Facts({ summary }: { summary: RunSummary }) {
  return (
    <dl className="facts">
      <Fact label="Run">
        <span className="mono run-id">{summary.id}</span>
      </Fact>
      <Fact label="Model">
        <span className="mono">{summary.model}</span>
      </Fact>
      <Fact label="Steps">
        {summary.steps} model calls · {summary.toolCalls} tool calls · {summary.eventCount} events
      </Fact>
      <Fact label="Tokens">
        {formatCompact(totalTokens(summary))}{' '}
        <span className="muted">
          ({formatCompact(summary.inputTokens)} in / {formatCompact(summary.outputTokens)} out)
        </span>
      </Fact>
      <Fact label="Cost">{formatCost(summary.cost)}</Fact>
      <Fact label="Created">{formatDateTime(summary.createdAt)}</Fact>
      <Fact label={summary.endedAt === null ? 'Updated' : 'Ended'}>
        {formatDateTime(summary.endedAt ?? summary.updatedAt)}
      </Fact>
      <Fact label="Duration">
        {formatDuration(runDuration(summary))}
        {summary.endedAt === null && <span className="muted"> so far</span>}
      </Fact>
    </dl>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}
