// The runs made from this one (forks, replays, runs again), from the runs list, kept current as runs
// are created: the graph draws them as branches from where they left.
import { useEffect, useState } from 'react';
import type { ChildRun } from '../../../../shared/loop-graph';
import { isRunAgain, type RunSummary } from '../../../../shared/run-summary';
import { getBridge, request } from '../../bridge';

function toChild(run: RunSummary): ChildRun {
  const relation = run.origin === 'replay' ? 'replay' : isRunAgain(run) ? 'run again' : 'fork';
  return { runId: run.id, relation, seq: run.parentSeq, status: run.status, title: run.goal };
}

const none: ChildRun[] = [];

export function useChildRuns(runId: string | undefined, skip: boolean): ChildRun[] {
  const [state, setState] = useState<{ runId: string; children: ChildRun[] } | null>(null);
  useEffect(() => {
    if (runId === undefined || skip) return;
    let live = true;
    const upsert = (run: RunSummary) =>
      setState((current) => {
        if (run.parentRunId !== runId) return current;
        const others = current?.runId === runId ? current.children.filter((child) => child.runId !== run.id) : [];
        return { runId, children: [...others, toChild(run)] };
      });
    const unsubscribe = getBridge()?.subscribe('run.updated', ({ run }) => {
      if (live) upsert(run);
    });
    request('runs.list', { limit: 1000 }).then(
      (runs) => {
        if (!live) return;
        const found = runs.filter((run) => run.parentRunId === runId).reverse();
        setState({ runId, children: found.map(toChild) });
      },
      () => {},
    );
    return () => {
      live = false;
      unsubscribe?.();
    };
  }, [runId, skip]);
  return state !== null && state.runId === runId ? state.children : none;
}
