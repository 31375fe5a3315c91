// What the right pane shows: the run (and step) in the address, or a comparison of two picked runs.
// Opening a run (from the list, a search hit, a link or the keys) or a new run leaves the comparison.
import { useCallback, useState } from 'react';
import type { SearchHit } from '../../../../shared/contract';
import { useRoute, type Selection } from './route';

export interface SelectionState {
  selection: Selection | null;
  setSelection: (next: Selection | null) => void;
  openRun: (runId: string) => void;
  openHit: (hit: SearchHit) => void;
  /** A step selected in the run's graph names itself in the address without a history entry of its own. */
  onStep: (runId: string, seq: number | undefined) => void;
  /** The runs picked for comparison: picking a third drops the oldest, two are compared. */
  compareIds: string[];
  toggleCompare: (runId: string) => void;
  dropCompare: (runId: string) => void;
  comparing: [string, string] | null;
  setComparing: (pair: [string, string] | null) => void;
}

export function useSelection(): SelectionState {
  const [selection, navigate] = useRoute();
  const [compareIds, setCompareIds] = useState<string[]>([]);
  const [comparing, setComparing] = useState<[string, string] | null>(null);
  const setSelection = useCallback(
    (next: Selection | null) => {
      setComparing(null);
      navigate(next);
    },
    [navigate],
  );
  const onStep = useCallback(
    (runId: string, seq: number | undefined) => navigate(seq === undefined ? { runId } : { runId, seq }, 'replace'),
    [navigate],
  );
  const openHit = useCallback((hit: SearchHit) => setSelection({ runId: hit.runId, seq: hit.seq }), [setSelection]);
  const openRun = useCallback((runId: string) => setSelection({ runId }), [setSelection]);
  const toggleCompare = useCallback(
    (runId: string) =>
      setCompareIds((ids) => (ids.includes(runId) ? ids.filter((id) => id !== runId) : [...ids, runId].slice(-2))),
    [],
  );
  const dropCompare = useCallback((runId: string) => setCompareIds((ids) => ids.filter((id) => id !== runId)), []);
  return {
    selection,
    setSelection,
    openRun,
    openHit,
    onStep,
    compareIds,
    toggleCompare,
    dropCompare,
    comparing,
    setComparing,
  };
}
