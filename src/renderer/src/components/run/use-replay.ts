// Replaying the open run: first its plan (what it will run where) for the person to confirm, then the
// replay itself, which grants exactly what the confirmation listed as needed, nothing more.
import { useState } from 'react';
import type { ReplayPlan } from '../../../../shared/contract';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';

const planReplay = (runId: string) => request('replays.plan', { runId });
const replayRun = (plan: ReplayPlan) => request('runs.replay', { runId: plan.runId, allow: plan.needs });

export function useReplay(runId: string, onStarted: ((runId: string) => void) | undefined) {
  const planning = useAction(planReplay);
  const replay = useAction(replayRun);
  const [plan, setPlan] = useState<ReplayPlan | undefined>(undefined);

  async function ask(): Promise<void> {
    setPlan(await planning.run(runId));
  }

  async function go(confirmed: ReplayPlan): Promise<void> {
    const started = await replay.run(confirmed);
    setPlan(undefined);
    if (started !== undefined) onStarted?.(started.id);
  }

  return {
    plan,
    /** The replay is running (after the confirmation). */
    busy: replay.busy,
    /** A plan is being made or waits for its confirmation. */
    pending: replay.busy || planning.busy || plan !== undefined,
    error: planning.error ?? replay.error,
    ask,
    /** Runs the plan the person confirmed. */
    confirm: () => {
      if (plan !== undefined) void go(plan);
    },
    cancel: () => setPlan(undefined),
  };
}
