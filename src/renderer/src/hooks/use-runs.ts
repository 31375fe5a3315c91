// The runs list, kept live: loaded once, then every `run.updated` push upserts its run. Pushes that
// arrive while the list is loading are held and applied on top of it.
import { useCallback, useEffect, useState } from 'react';
import type { RunSummary } from '../../../shared/run-summary';
import { getBridge, request } from '../bridge';
import { toErrorInfo } from '../error-info';
import { upsertRun } from '../run-updates';
import { loading, type Loadable } from './loadable';

interface RunsState {
  attempt: number;
  runs: Loadable<RunSummary[]>;
}

export function useRuns(): { runs: Loadable<RunSummary[]>; reload: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<RunsState | null>(null);

  useEffect(() => {
    let live = true;
    let held: RunSummary[] | null = [];
    const unsubscribe = getBridge()?.subscribe('run.updated', ({ run }) => {
      if (!live) return;
      if (held !== null) {
        held.push(run);
        return;
      }
      setState((current) => {
        if (current?.runs.status !== 'ready') return current;
        return { attempt: current.attempt, runs: { status: 'ready', value: upsertRun(current.runs.value, run) } };
      });
    });
    request('runs.list', {}).then(
      (list) => {
        if (!live) return;
        const value = (held ?? []).reduce(upsertRun, list);
        held = null;
        setState({ attempt, runs: { status: 'ready', value } });
      },
      (error: unknown) => {
        if (!live) return;
        held = null;
        setState({ attempt, runs: { status: 'error', error: toErrorInfo(error) } });
      },
    );
    return () => {
      live = false;
      unsubscribe?.();
    };
  }, [attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  const runs = state === null || state.attempt !== attempt ? loading : state.runs;
  return { runs, reload };
}
