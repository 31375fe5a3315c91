// A bench as the leaderboard shows it: each slot's run read from the store (its score is the harness's
// grade of the run's workspace, never anything the model said).
import type { BenchEntry, BenchSummary } from '../../shared/bench';
import type { RunSummary } from '../../shared/run-summary';
import type { BenchRecord, BenchSlot } from '../store/bench-records';

/** The grade of a run for a task: the harness's score of an attempt on the task's metric. */
function scoreOf(run: RunSummary, metric: string): number | null {
  const graded = run.metric;
  if (graded === null || graded.name !== metric || graded.attempt === null) return null;
  return graded.value;
}

export function benchEntry(slot: BenchSlot, run: RunSummary | undefined, metric: string, now = Date.now()): BenchEntry {
  const base = { task: slot.task, model: slot.model, seed: slot.seed };
  if (run === undefined)
    return { ...base, runId: null, status: null, score: null, steps: 0, tokens: 0, cost: 0, durationMs: 0 };
  return {
    ...base,
    runId: run.id,
    status: run.status,
    score: scoreOf(run, metric),
    steps: run.steps,
    tokens: run.inputTokens + run.outputTokens,
    cost: run.cost,
    durationMs: (run.endedAt ?? now) - run.createdAt,
  };
}

export function benchSummary(record: BenchRecord, runOf: (runId: string) => RunSummary | undefined): BenchSummary {
  const metrics = new Map(record.plan.tasks.map((task) => [task.task, task.metric]));
  return {
    id: record.id,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
    plan: record.plan,
    entries: record.slots.map((slot) =>
      benchEntry(slot, slot.runId === null ? undefined : runOf(slot.runId), metrics.get(slot.task) ?? ''),
    ),
  };
}
