// The runs list, newest first, with its loading, error and empty states.
import type { RunSummary } from '../../../../shared/run-summary';
import type { Loadable } from '../../hooks/loadable';
import { useNow } from '../../hooks/use-now';
import { ErrorBox } from '../common/error-box';
import { ExampleOffer } from './example-offer';
import { LoadingLine } from '../common/loading-line';
import { runOptionId, RunRow } from './run-row';

interface RunListProps {
  runs: Loadable<RunSummary[]>;
  home: string | undefined;
  selectedRunId: string | null;
  onSelect: (runId: string) => void;
  onRetry: () => void;
  /** Runs picked for comparison (at most two), how to pick one, and how to open the comparison. */
  compareIds: readonly string[];
  onToggleCompare: (runId: string) => void;
  onCompare: () => void;
  onDeleted: (runId: string) => void;
}

export function RunList({
  runs,
  home,
  selectedRunId,
  onSelect,
  onRetry,
  compareIds,
  onToggleCompare,
  onCompare,
  onDeleted,
}: RunListProps) {
  const now = useNow();
  if (runs.status === 'loading') return <LoadingLine label="Loading runs…" />;
  if (runs.status === 'error') return <ErrorBox error={runs.error} onRetry={onRetry} />;
  if (runs.value.length === 0) return <EmptyRuns home={home} onOpen={onSelect} />;

  const selected = runs.value.some((run) => run.id === selectedRunId) ? selectedRunId : null;
  return (
    <>
      <div className="pane-caption">
        <span>
          {runs.value.length} {runs.value.length === 1 ? 'run' : 'runs'}
        </span>
        {compareIds.length === 2 ? (
          <button type="button" className="button button-primary" data-testid="compare-runs" onClick={onCompare}>
            Compare
          </button>
        ) : (
          <span className="muted">
            ↑↓ to move · / to search{compareIds.length === 1 ? ' · pick one more to compare' : ''}
          </span>
        )}
      </div>
      <ul
        className="run-list"
        role="listbox"
        aria-label="Runs"
        aria-activedescendant={selected === null ? undefined : runOptionId(selected)}
      >
        {runs.value.map((run) => (
          <RunRow
            key={run.id}
            run={run}
            selected={run.id === selectedRunId}
            now={now}
            onSelect={onSelect}
            compared={compareIds.includes(run.id)}
            onToggleCompare={onToggleCompare}
            onDeleted={onDeleted}
          />
        ))}
      </ul>
    </>
  );
}

function EmptyRuns({ home, onOpen }: { home: string | undefined; onOpen: (runId: string) => void }) {
  return (
    <div className="empty-state" data-testid="empty-runs">
      <p className="empty-title">
        No runs yet in {home === undefined ? 'this data folder' : <span className="mono">{home}</span>}.
      </p>
      <p className="muted">
        Start one with the form beside this list, or with <code>looplab run</code>; runs appear here as they happen.
      </p>
      <ExampleOffer onOpen={onOpen} />
    </div>
  );
}
