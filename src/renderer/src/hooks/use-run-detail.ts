// One run's summary and events, kept live: `run.updated` pushes for this run append their events.
// Pushes that arrive while the run is loading are held and merged in once it has loaded.
import { useCallback, useEffect, useState } from 'react';
import type { PushTypes, RunDetail } from '../../../shared/contract';
import { getBridge, request } from '../bridge';
import { toErrorInfo } from '../error-info';
import { appendEvents, newerSummary } from '../run-updates';
import { loading, type Loadable } from './loadable';

type RunUpdate = PushTypes['run.updated'];

interface DetailState {
  runId: string;
  attempt: number;
  detail: Loadable<RunDetail>;
}

function applyUpdate(detail: RunDetail, update: RunUpdate): RunDetail {
  return { summary: newerSummary(detail.summary, update.run), events: appendEvents(detail.events, update.events) };
}

export function useRunDetail(runId: string): { detail: Loadable<RunDetail>; reload: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<DetailState | null>(null);

  useEffect(() => {
    let live = true;
    let held: RunUpdate[] | null = [];
    const unsubscribe = getBridge()?.subscribe('run.updated', (update) => {
      if (!live || update.run.id !== runId) return;
      if (held !== null) {
        held.push(update);
        return;
      }
      setState((current) => {
        if (current?.runId !== runId || current.detail.status !== 'ready') return current;
        return { ...current, detail: { status: 'ready', value: applyUpdate(current.detail.value, update) } };
      });
    });
    request('runs.get', { runId }).then(
      (loaded) => {
        if (!live) return;
        const value = (held ?? []).reduce(applyUpdate, loaded);
        held = null;
        setState({ runId, attempt, detail: { status: 'ready', value } });
      },
      (error: unknown) => {
        if (!live) return;
        held = null;
        setState({ runId, attempt, detail: { status: 'error', error: toErrorInfo(error) } });
      },
    );
    return () => {
      live = false;
      unsubscribe?.();
    };
  }, [runId, attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  const current = state !== null && state.runId === runId && state.attempt === attempt;
  return { detail: current ? state.detail : loading, reload };
}
