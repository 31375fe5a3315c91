// One search hit: which run, which event, and the text around the match.
import { useEffect, useRef } from 'react';
import type { SearchHit } from '../../../../shared/contract';
import { searchWords } from '../../../../shared/search-words';

interface SearchHitItemProps {
  hit: SearchHit;
  query: string;
  selected: boolean;
  onOpen: (hit: SearchHit) => void;
}

export function SearchHitItem({ hit, query, selected, onOpen }: SearchHitItemProps) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

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
        <span className="search-hit-goal" title={hit.goal}>
          {hit.goal}
        </span>
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
