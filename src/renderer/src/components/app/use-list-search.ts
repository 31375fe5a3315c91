// The left pane's search and the keys that move through it: the typed query, its hits once the typing
// settles, and Up/Down stepping through the hits (while searching) or the runs (otherwise).
import { useState, type RefObject } from 'react';
import type { SearchHit } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-summary';
import { useDebouncedValue } from '../../hooks/use-debounced-value';
import { useKeyboardShortcuts } from '../../hooks/use-keyboard-shortcuts';
import type { Loadable } from '../../hooks/loadable';
import { useSearch } from '../../hooks/use-search';
import type { Selection } from './route';

const SEARCH_DELAY_MS = 200;

export interface ListSearch {
  query: string;
  setQuery: (query: string) => void;
  /** The query without surrounding spaces; empty when not searching. */
  trimmed: string;
  searching: boolean;
  /** Hits for the trimmed query, or null while the typing has not settled. */
  hits: Loadable<SearchHit[]> | null;
}

/** The index `delta` steps from `index` within `length` items; from nothing, the first or the last. */
function stepIndex(index: number, delta: 1 | -1, length: number): number {
  if (index < 0) return delta > 0 ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, index + delta));
}

export function useListSearch(
  runs: Loadable<RunSummary[]>,
  selection: Selection | null,
  select: (next: Selection) => void,
  searchRef: RefObject<HTMLInputElement | null>,
): ListSearch {
  const [query, setQuery] = useState('');
  const trimmed = query.trim();
  const searchQuery = useDebouncedValue(trimmed, SEARCH_DELAY_MS);
  const settled = searchQuery === trimmed;
  const hits = useSearch(trimmed === '' ? '' : searchQuery);
  const searching = trimmed !== '';

  function navigable(): Selection[] {
    if (searching) return hits?.status === 'ready' && settled ? hits.value : [];
    return runs.status === 'ready' ? runs.value.map((run) => ({ runId: run.id })) : [];
  }

  function move(delta: 1 | -1): void {
    const items = navigable();
    if (items.length === 0) return;
    const index = items.findIndex(
      (item) => item.runId === selection?.runId && (!searching || item.seq === selection.seq),
    );
    const item = items[stepIndex(index, delta, items.length)]!;
    select({ runId: item.runId, seq: item.seq });
  }

  useKeyboardShortcuts({
    focusSearch: () => searchRef.current?.focus(),
    clearSearch: () => {
      if (query === '') searchRef.current?.blur();
      setQuery('');
    },
    move,
    isSearchField: (element) => element === searchRef.current,
  });

  return { query, setQuery, trimmed, searching, hits: settled ? hits : null };
}
