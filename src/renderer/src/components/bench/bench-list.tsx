// The benches, newest first: when each ran, its shape, whether it finished and which model did best.
import { standings, type BenchSummary } from '../../../../shared/bench';
import { RelativeTime } from '../common/relative-time';
import { benchProgress, benchShape } from './bench-text';

interface BenchListProps {
  benches: readonly BenchSummary[];
  selectedId: string | null;
  now: number;
  onPick: (benchId: string) => void;
}

export function BenchList({ benches, selectedId, now, onPick }: BenchListProps) {
  return (
    <ul className="bench-list">
      {benches.map((bench) => (
        <li key={bench.id}>
          <button
            type="button"
            className={`bench-item${bench.id === selectedId ? ' selected' : ''}`}
            data-testid="bench-item"
            data-bench-id={bench.id}
            aria-current={bench.id === selectedId}
            onClick={() => onPick(bench.id)}
          >
            <span className="bench-item-top">
              <BenchState bench={bench} />
              <span className="muted">
                <RelativeTime time={bench.createdAt} now={now} />
              </span>
            </span>
            <span className="bench-item-shape">{benchShape(bench.plan)}</span>
            <BestModel bench={bench} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** "finished", or "unfinished" (with "running" while any of its runs goes on). */
export function BenchState({ bench }: { bench: BenchSummary }) {
  const finished = bench.finishedAt !== null;
  const going = !finished && benchProgress(bench).going > 0;
  const state = finished ? 'finished' : going ? 'running' : 'unfinished';
  return (
    <span
      className={`status-badge status-${finished ? 'finished' : going ? 'running' : 'stalled'}`}
      data-testid="bench-state"
    >
      {state}
    </span>
  );
}

function BestModel({ bench }: { bench: BenchSummary }) {
  const best = standings(bench).find((standing) => standing.runs > 0);
  if (best === undefined) return <span className="bench-item-best muted">no run recorded yet</span>;
  return (
    <span className="bench-item-best" data-testid="bench-best" title="The model with the best mean score">
      <span className="bench-item-model">{best.model}</span>
      <span className="num">{best.meanNormalised.toFixed(2)}</span>
    </span>
  );
}
