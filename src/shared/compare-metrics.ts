// Which of two runs did better on each metric: the difference B − A and the side it favours, by the
// direction the evaluation gate declared for that metric, else by its name (loss, error, perplexity,
// time and the like are better lower; everything else higher).
import type { RunEvent } from './events';
import { formatMetric } from './format';

export type Better = 'higher' | 'lower';

export interface MetricDelta {
  name: string;
  /** A job's metric (its last value) or an evaluation by the harness. */
  source: 'metric' | 'evaluation';
  a: number | null;
  b: number | null;
  better: Better;
  /** B − A, when both have it. */
  delta: number | null;
  /** The better side; 'same' when equal, null when only one side has it. */
  winner: 'a' | 'b' | 'same' | null;
}

const LOWER_IS_BETTER =
  /(^|[^a-z])(loss|error|err|mse|rmse|mae|mape|perplexity|ppl|wer|cer|latency|time|duration|seconds|ms|brier|logloss)([^a-z]|$)/i;

/** The direction of a metric the run's evaluation gate does not name: lower for loss-like names. */
export function betterByName(name: string): Better {
  return LOWER_IS_BETTER.test(name) ? 'lower' : 'higher';
}

/** The directions evaluations declared, by metric (higher when an evaluation says nothing). */
export function directions(events: readonly RunEvent[]): Record<string, Better> {
  const found: Record<string, Better> = {};
  for (const event of events)
    if (event.type === 'evaluation.recorded') found[event.payload.metric] = event.payload.better ?? 'higher';
  return found;
}

interface Sides {
  metrics: Record<string, number>;
  evaluations: Record<string, number>;
}

function delta(
  name: string,
  source: MetricDelta['source'],
  a: number | undefined,
  b: number | undefined,
  better: Better,
): MetricDelta {
  const both = a !== undefined && b !== undefined;
  const winner = !both ? null : a === b ? 'same' : b > a === (better === 'higher') ? 'b' : 'a';
  return { name, source, a: a ?? null, b: b ?? null, better, delta: both ? b - a : null, winner };
}

function names(a: Record<string, number>, b: Record<string, number>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/** Each metric and evaluation of either side, job metrics first, by name. */
export function metricDeltas(a: Sides, b: Sides, declared: Record<string, Better>): MetricDelta[] {
  const direction = (name: string) => declared[name] ?? betterByName(name);
  return [
    ...names(a.metrics, b.metrics).map((name) =>
      delta(name, 'metric', a.metrics[name], b.metrics[name], direction(name)),
    ),
    ...names(a.evaluations, b.evaluations).map((name) =>
      delta(name, 'evaluation', a.evaluations[name], b.evaluations[name], direction(name)),
    ),
  ];
}

/** "+0.1 · B better (higher is better)", "same", or "" when only one side has the metric. */
export function deltaText(metric: MetricDelta): string {
  if (metric.delta === null || metric.winner === null) return '';
  if (metric.winner === 'same') return 'same';
  const sign = metric.delta > 0 ? '+' : '−';
  return `${sign}${formatMetric(Math.abs(metric.delta))} · ${metric.winner.toUpperCase()} better (${metric.better} is better)`;
}
