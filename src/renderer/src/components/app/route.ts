// The window's address names what it shows: `#/runs/<id>` for a run, `#/runs/<id>/<seq>` for a step of
// it, `#/` for the home screen. Opening a run adds a history entry (Back returns to the previous one);
// selecting a step replaces the current entry, so Back does not walk through every click in the graph.
import { useCallback, useEffect, useState } from 'react';

/** The selected run, and the event of the step to bring into view (from a search hit, a link or the graph). */
export interface Selection {
  runId: string;
  seq?: number;
}

const RUN_ROUTE = /^#\/runs\/(run_[0-9a-z]{1,64})(?:\/(\d{1,9}))?(?:[/?&].*)?$/;

/** The selection an address names, or null for the home screen (or an address that names nothing). */
export function parseRoute(hash: string): Selection | null {
  const match = RUN_ROUTE.exec(hash);
  if (match === null) return null;
  return match[2] === undefined ? { runId: match[1]! } : { runId: match[1]!, seq: Number(match[2]) };
}

export function routeHash(selection: Selection | null): string {
  if (selection === null) return '#/';
  return selection.seq === undefined ? `#/runs/${selection.runId}` : `#/runs/${selection.runId}/${selection.seq}`;
}

export type Navigate = (next: Selection | null, mode?: 'push' | 'replace') => void;

/** The selection kept in the address: read at start, followed on Back and Forward, written on change. */
export function useRoute(): [Selection | null, Navigate] {
  const [selection, setSelection] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const follow = () => setSelection(parseRoute(window.location.hash));
    window.addEventListener('popstate', follow);
    window.addEventListener('hashchange', follow);
    return () => {
      window.removeEventListener('popstate', follow);
      window.removeEventListener('hashchange', follow);
    };
  }, []);
  const navigate = useCallback<Navigate>((next, mode = 'push') => {
    const hash = routeHash(next);
    if (hash !== window.location.hash) {
      const url = `${window.location.pathname}${window.location.search}${hash}`;
      if (mode === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    }
    setSelection(next);
  }, []);
  return [selection, navigate];
}
