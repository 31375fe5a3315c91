// Search hits in place of the runs list while the search box has text.
import type { SearchHit } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-summary';
import type { Loadable } from '../../hooks/loadable';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { SearchHitItem } from './search-hit-item';

interface SearchResultsProps {
  query: string;
  hits: Loadable<SearchHit[]> | null;
  selected: { runId: string; seq?: number } | null;
  /** The runs known to the list, by id: each hit is headed by its run's title and date. */
  runs: ReadonlyMap<string, RunSummary>;
  onOpen: (hit: SearchHit) => void;
}

export function SearchResults({ query, hits, selected, runs, onOpen }: SearchResultsProps) {
  if (hits === null || hits.status === 'loading') return <LoadingLine label="Searching…" />;
  if (hits.status === 'error') return <ErrorBox error={hits.error} />;
  if (hits.value.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-title">No events match “{query}”.</p>
        <p className="muted">Search looks through goals, messages, model replies, tool calls and their output.</p>
      </div>
    );
  }
  return (
    <>
      <div className="pane-caption">
        <span>
          {hits.value.length} {hits.value.length === 1 ? 'hit' : 'hits'} for “{query}”
        </span>
        <span className="muted">Esc to clear</span>
      </div>
      <ul className="search-hits" role="listbox" aria-label="Search hits">
        {hits.value.map((hit) => (
          <SearchHitItem
            key={`${hit.runId}:${hit.seq}`}
            hit={hit}
            query={query}
            selected={hit.runId === selected?.runId && hit.seq === selected.seq}
            run={runs.get(hit.runId)}
            onOpen={onOpen}
          />
        ))}
      </ul>
    </>
  );
}
