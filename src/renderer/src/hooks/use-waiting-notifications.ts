// Raises a desktop notification when a run starts waiting for a person, unless that run is already
// open in a focused window.
import { useEffect, useEffectEvent, useRef } from 'react';
import type { RunSummary } from '../../../shared/run-summary';
import { notifyWaiting } from '../notifications';
import { newlyWaiting, statusMap, type StatusMap } from '../waiting-runs';
import type { Loadable } from './loadable';

export function useWaitingNotifications(
  runs: Loadable<RunSummary[]>,
  openRunId: string | null,
  onOpen: (runId: string) => void,
): void {
  const previous = useRef<StatusMap | null>(null);
  const notify = useEffectEvent((run: RunSummary) => {
    if (run.id === openRunId && document.hasFocus()) return;
    notifyWaiting(run, onOpen);
  });

  useEffect(() => {
    if (runs.status !== 'ready') return;
    const fresh = newlyWaiting(previous.current, runs.value);
    previous.current = statusMap(runs.value);
    for (const run of fresh) notify(run);
  }, [runs]);
}
