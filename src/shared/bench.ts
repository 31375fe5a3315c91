// A bench: the offline ML tasks of resources/bench run as ordinary runs by one or more models, each
// scored by the task's held-out grader and given a medal against thresholds measured from the task's
// reference solutions. This module is what both front ends compute from a bench's record: medals,
// normalised scores and the leaderboard.
import { z } from 'zod';

export const MEDALS = ['gold', 'silver', 'bronze'] as const;
export type Medal = (typeof MEDALS)[number];

/** What the leaderboard needs of a task, as its bench.yaml said when the bench was planned. */
export const benchTaskInfoSchema = z.object({
  task: z.string().min(1).max(128),
  kind: z.string().min(1).max(64),
  summary: z.string().max(512),
  metric: z.string().min(1).max(128),
  better: z.enum(['higher', 'lower']),
  /** The score of the trivial answer: a normalised score of 0. */
  floor: z.number(),
  /** Thresholds: at least (higher is better) or at most (lower is better) each. */
  medals: z.object({ bronze: z.number(), silver: z.number(), gold: z.number() }),
});
export type BenchTaskInfo = z.infer<typeof benchTaskInfoSchema>;

/** What a bench was asked to do, recorded when it is planned so that it can be resumed. */
export const benchPlanSchema = z.object({
  tasks: z.array(benchTaskInfoSchema).min(1),
  models: z.array(z.string().min(1).max(256)).min(1),
  seeds: z.number().int().min(1).max(100),
  concurrency: z.number().int().min(1).max(64),
});
export type BenchPlan = z.infer<typeof benchPlanSchema>;

/** One run of the bench: a task by a model, the n-th time (seed), and what it scored. */
export interface BenchEntry {
  task: string;
  model: string;
  seed: number;
  runId: string | null;
  status: string | null;
  /** The task's metric as the harness graded the run's workspace; null when it gave none. */
  score: number | null;
  steps: number;
  tokens: number;
  cost: number;
  /** From the run's start to its end (or now, while it runs). */
  durationMs: number;
}

export interface BenchSummary {
  id: string;
  createdAt: number;
  finishedAt: number | null;
  plan: BenchPlan;
  entries: BenchEntry[];
}

export function medalOf(task: Pick<BenchTaskInfo, 'better' | 'medals'>, score: number | null): Medal | null {
  if (score === null) return null;
  const reaches = (threshold: number) => (task.better === 'higher' ? score >= threshold : score <= threshold);
  return MEDALS.find((medal) => reaches(task.medals[medal])) ?? null;
}

/** 0 for the trivial answer (or no score), 1 for gold or better, linear between. */
export function normalisedScore(
  task: Pick<BenchTaskInfo, 'better' | 'medals' | 'floor'>,
  score: number | null,
): number {
  if (score === null) return 0;
  const span = task.medals.gold - task.floor;
  if (span === 0) return score === task.floor ? 0 : 1;
  return Math.min(1, Math.max(0, (score - task.floor) / span));
}

export interface ModelStanding {
  model: string;
  runs: number;
  /** Runs that ended with a medal, and of which kind. */
  medals: Record<Medal, number>;
  medalRate: number;
  meanNormalised: number;
  steps: number;
  tokens: number;
  cost: number;
  durationMs: number;
}

/** Per model, over the entries that have a run: medal rate, mean normalised score and what it cost. */
export function standings(bench: Pick<BenchSummary, 'plan' | 'entries'>): ModelStanding[] {
  const tasks = new Map(bench.plan.tasks.map((task) => [task.task, task]));
  return bench.plan.models
    .map((model) => {
      const entries = bench.entries.filter((entry) => entry.model === model && entry.runId !== null);
      const medals: Record<Medal, number> = { gold: 0, silver: 0, bronze: 0 };
      let normalised = 0;
      for (const entry of entries) {
        const task = tasks.get(entry.task);
        if (task === undefined) continue;
        const medal = medalOf(task, entry.score);
        if (medal !== null) medals[medal] += 1;
        normalised += normalisedScore(task, entry.score);
      }
      const runs = entries.length;
      const total = (pick: (entry: BenchEntry) => number) => entries.reduce((sum, entry) => sum + pick(entry), 0);
      return {
        model,
        runs,
        medals,
        medalRate: runs === 0 ? 0 : (medals.gold + medals.silver + medals.bronze) / runs,
        meanNormalised: runs === 0 ? 0 : normalised / runs,
        steps: total((entry) => entry.steps),
        tokens: total((entry) => entry.tokens),
        cost: total((entry) => entry.cost),
        durationMs: total((entry) => entry.durationMs),
      };
    })
    .sort((a, b) => b.meanNormalised - a.meanNormalised || b.medalRate - a.medalRate);
}

export const MEDAL_MARKS: Record<Medal, string> = { gold: '🥇', silver: '🥈', bronze: '🥉' };
