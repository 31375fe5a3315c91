// A run with an evaluation gate works in attempts: everything after the goal up to and including the
// gate that scored it is one attempt, and what follows a gate is the next. A run without a gate has
// no attempts.
import type { LoopNode } from './loop-graph';
import type { EvaluationFacts } from './run-graph';

export interface AttemptGroup {
  id: string;
  /** From 1, as the harness counts them. */
  attempt: number;
  /** The main nodes of the attempt, in order (its gate last, once scored). */
  ids: string[];
  /** The gate that closed it; null while it is under way. */
  gate: string | null;
  evaluation: EvaluationFacts | null;
}

export function groupAttempts(main: LoopNode[]): AttemptGroup[] {
  if (!main.some((item) => item.kind === 'gate')) return [];
  const groups: AttemptGroup[] = [];
  const members = new Map<AttemptGroup, LoopNode[]>();
  let open: AttemptGroup | null = null;
  for (const item of main) {
    if (item.kind === 'goal') continue;
    if (open === null) {
      const attempt = (groups.at(-1)?.attempt ?? 0) + 1;
      open = { id: `attempt:${attempt}`, attempt, ids: [], gate: null, evaluation: null };
      groups.push(open);
      members.set(open, []);
    }
    open.ids.push(item.id);
    members.get(open)!.push(item);
    if (item.kind !== 'gate') continue;
    const evaluation = item.node?.evaluation ?? null;
    open.gate = item.id;
    open.evaluation = evaluation;
    if (evaluation !== null && evaluation.attempt !== null && evaluation.attempt !== open.attempt) {
      open.attempt = evaluation.attempt;
      open.id = `attempt:${evaluation.attempt}`;
    }
    open = null;
  }
  for (const [group, items] of members) for (const item of items) item.attempt = group.attempt;
  return groups;
}

/** A metric as the graph shows it: three significant digits. */
export function shortMetric(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e6) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

/** An evaluation's score in a few characters: `macro_f1 0.793 ✗`, `macro_f1: no value`. */
export function scoreText(evaluation: EvaluationFacts): string {
  if (evaluation.value === null) return `${evaluation.metric}: no value`;
  const mark = evaluation.passed === null ? '' : evaluation.passed ? ' ✓' : ' ✗';
  return `${evaluation.metric} ${shortMetric(evaluation.value)}${mark}`;
}

/** The target in words: `target ≥ 0.85`. */
export function targetText(evaluation: EvaluationFacts): string {
  if (evaluation.target === null) return 'no target';
  return `target ${evaluation.better === 'lower' ? '≤' : '≥'} ${shortMetric(evaluation.target)}`;
}

/** An attempt's heading: `Attempt 1 · macro_f1 0.793 ✗`, or `Attempt 3` while it is under way. */
export function attemptLabel(group: AttemptGroup): string {
  return group.evaluation === null
    ? `Attempt ${group.attempt}`
    : `Attempt ${group.attempt} · ${scoreText(group.evaluation)}`;
}
