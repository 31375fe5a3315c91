// One search hit: which run, which event, and the text around the match.
import type { SearchHit } from '../../../../shared/contract';
import { formatDateTime } from '../../../../shared/format';
import type { RunSummary } from '../../../../shared/run-summary';
import { runTitle } from '../../../../shared/run-title';
import { searchWords } from '../../../../shared/search-words';
import { useScrollIntoView } from '../../hooks/use-scroll-into-view';

interface SearchHitItemProps {
  hit: SearchHit;
  query: string;
  selected: boolean;
  /** The hit's run, when the list of runs has it: its title and date head the hit. */
  run: RunSummary | undefined;
  onOpen: (hit: SearchHit) => void;
}

export function SearchHitItem({ hit, query, selected, run, onOpen }: SearchHitItemProps) {
  const ref = useScrollIntoView<HTMLLIElement>(selected);

  return (
    <li
      ref={ref}
      role="option"
      aria-selected={selected}
      className={selected ? 'search-hit selected' : 'search-hit'}
      data-testid="search-hit"
      data-run-id={hit.runId}
      data-seq={hit.seq}
      onClick={() => onOpen(hit)}
    >
      <div className="search-hit-head">
        <span className="search-hit-goal" title={hit.goal} data-testid="search-hit-title">
          {runTitle(run ?? { goal: hit.goal, spec: null })}
        </span>
        {run !== undefined && (
          <span className="muted search-hit-date" data-testid="search-hit-date">
            {formatDateTime(run.createdAt).slice(0, 16)}
          </span>
        )}
        <span className="event-type mono">{hit.type}</span>
        <span className="mono muted">#{hit.seq}</span>
      </div>
      <p className="search-hit-snippet">
        <Highlighted text={hit.snippet} words={searchWords(query)} />
      </p>
    </li>
  );
}

function Highlighted({ text, words }: { text: string; words: string[] }) {
  if (words.length === 0) return <>{text}</>;
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(${escaped.join('|')})`, 'giu');
  return <>{text.split(pattern).map((part, index) => (index % 2 === 1 ? <mark key={index}>{part}</mark> : part))}</>;
}
