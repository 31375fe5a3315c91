// Full-text search over every run's events; answers for an older query are dropped.
import { useEffect, useState } from 'react';
import type { SearchHit } from '../../../shared/contract';
import { request } from '../bridge';
import { toErrorInfo } from '../error-info';
import { loading, type Loadable } from './loadable';

interface SearchState {
  query: string;
  hits: Loadable<SearchHit[]>;
}

/** Hits for `query`, or null when there is nothing to search for. */
export function useSearch(query: string): Loadable<SearchHit[]> | null {
  const [state, setState] = useState<SearchState | null>(null);

  useEffect(() => {
    if (query === '') return;
    let live = true;
    request('runs.search', { query }).then(
      (hits) => live && setState({ query, hits: { status: 'ready', value: hits } }),
      (error: unknown) => live && setState({ query, hits: { status: 'error', error: toErrorInfo(error) } }),
    );
    return () => {
      live = false;
    };
  }, [query]);

  if (query === '') return null;
  return state?.query === query ? state.hits : loading;
}
