// What the bench view says about a bench, its tasks and its runs, as plain values the components draw:
// its shape and progress, a task's metric and thresholds, and each task-by-model cell's runs.
import {
  medalOf,
  MEDALS,
  type BenchEntry,
  type BenchSummary,
  type BenchTaskInfo,
  type Medal,
} from '../../../../shared/bench';
import { formatMetric } from '../../../../shared/format';

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 tasks × 2 models × 1 seed". */
export function benchShape(plan: BenchSummary['plan']): string {
  return `${count(plan.tasks.length, 'task')} × ${count(plan.models.length, 'model')} × ${count(plan.seeds, 'seed')}`;
}

/** A scripted agent plays a task's reference solution: it shows what a medal looks like, it is no model. */
export function isScripted(model: string): boolean {
  return model.startsWith('scripted/');
}

export interface BenchProgress {
  /** Slots whose run has been recorded, of all the bench plans. */
  recorded: number;
  total: number;
  /** Runs still going (running or waiting for a person). */
  going: number;
}

export function benchProgress(bench: Pick<BenchSummary, 'entries'>): BenchProgress {
  const recorded = bench.entries.filter((entry) => entry.runId !== null);
  const going = recorded.filter((entry) => entry.status === 'running' || entry.status === 'waiting').length;
  return { recorded: recorded.length, total: bench.entries.length, going };
}

/** "↑ higher is better" or "↓ lower is better". */
export function betterText(task: Pick<BenchTaskInfo, 'better'>): string {
  return task.better === 'higher' ? '↑ higher is better' : '↓ lower is better';
}

/** "≥ 0.8" (higher is better) or "≤ 30000" (lower is better). */
export function reachText(task: Pick<BenchTaskInfo, 'better'>, value: number): string {
  return `${task.better === 'higher' ? '≥' : '≤'} ${formatMetric(value)}`;
}

/** The medal thresholds on one line: "gold ≥ 0.8 · silver ≥ 0.75 · bronze ≥ 0.7". */
export function thresholdsText(task: Pick<BenchTaskInfo, 'better' | 'medals'>): string {
  return [...MEDALS].map((medal) => `${medal} ${reachText(task, task.medals[medal])}`).join(' · ');
}

/** Everything a task row's tooltip says: what it asks, its metric, the medals and the trivial answer's score. */
export function taskTitle(task: BenchTaskInfo): string {
  return [
    task.summary,
    `${task.metric}, ${betterText(task).slice(2)}`,
    `Medals: ${thresholdsText(task)}`,
    `The trivial answer scores ${formatMetric(task.floor)} (a normalised score of 0; gold is 1).`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

export interface EntryView {
  /** The score as read ("0.8123"), or what stands in its place ("not run", "running", "no score"). */
  score: string;
  scored: boolean;
  medal: Medal | null;
}

export function entryView(task: Pick<BenchTaskInfo, 'better' | 'medals'>, entry: BenchEntry): EntryView {
  const medal = medalOf(task, entry.score);
  if (entry.score !== null) return { score: formatMetric(entry.score), scored: true, medal };
  if (entry.runId === null) return { score: 'not run', scored: false, medal };
  if (entry.status === 'running' || entry.status === 'waiting') return { score: entry.status, scored: false, medal };
  return { score: 'no score', scored: false, medal };
}

/** A cell's key: one task by one model. */
export function cellKey(task: string, model: string): string {
  return `${task}\u0000${model}`;
}

/** Each task-by-model cell's entries, seed by seed. */
export function benchCells(bench: Pick<BenchSummary, 'entries'>): Map<string, BenchEntry[]> {
  const cells = new Map<string, BenchEntry[]>();
  for (const entry of bench.entries) {
    const key = cellKey(entry.task, entry.model);
    cells.set(key, [...(cells.get(key) ?? []), entry]);
  }
  for (const entries of cells.values()) entries.sort((a, b) => a.seed - b.seed);
  return cells;
}

/** The mean of the seeds' scores, over those that have one; null when none has. */
export function meanScore(entries: readonly BenchEntry[]): number | null {
  const scores = entries.flatMap((entry) => (entry.score === null ? [] : [entry.score]));
  return scores.length === 0 ? null : scores.reduce((sum, score) => sum + score, 0) / scores.length;
}

/** A share as a whole percentage: "67%". */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
