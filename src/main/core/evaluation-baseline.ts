// The baseline an evaluation gate may name: scored once per run by the harness when the first attempt is
// done (its command, on the same held-out data as the attempts; it may use what the agent made, such as
// the base model's answers) or taken as recorded, and then what every attempt must beat by its margin.
import type { EventDraft, RunEvent } from '../../shared/events';
import { formatMetric } from '../../shared/format';
import type { Evaluation } from '../../shared/loop-config';
import type { Evaluator } from './evaluation-gate';

export interface BaselineScore {
  label: string;
  value: number;
  margin: number;
}

/** The baseline this run recorded before (a resume scores it no more). */
export function recordedBaseline(evaluation: Evaluation, events: readonly RunEvent[]): BaselineScore | undefined {
  if (evaluation.baseline === undefined) return undefined;
  const found = events.find((event) => event.type === 'evaluation.recorded' && event.payload.role === 'baseline');
  if (found?.type !== 'evaluation.recorded') return undefined;
  return {
    label: found.payload.label ?? evaluation.baseline.label,
    value: found.payload.value,
    margin: evaluation.baseline.margin,
  };
}

/** What an attempt must reach: the baseline moved by its margin, or the target when that is stricter. */
export function baselineTarget(evaluation: Evaluation, baseline: BaselineScore): number {
  const lower = evaluation.better === 'lower';
  const needed = lower ? baseline.value - baseline.margin : baseline.value + baseline.margin;
  if (evaluation.target === undefined) return needed;
  return lower ? Math.min(needed, evaluation.target) : Math.max(needed, evaluation.target);
}

/** The evaluation as the retry rule reads it: its target is the one that includes the baseline. */
export function againstBaseline(evaluation: Evaluation, baseline: BaselineScore | undefined): Evaluation {
  return baseline === undefined ? evaluation : { ...evaluation, target: baselineTarget(evaluation, baseline) };
}

/** `baseline TF-IDF 0.79 + 0.02`: where an attempt's target comes from, for reasons and messages. */
export function baselineText(evaluation: Evaluation, baseline: BaselineScore): string {
  const sign = evaluation.better === 'lower' ? '−' : '+';
  const margin = baseline.margin === 0 ? '' : ` ${sign} ${formatMetric(baseline.margin)}`;
  return `${baseline.label} ${formatMetric(baseline.value)}${margin}`;
}

export type BaselineResult = { ok: true; score: BaselineScore; draft: EventDraft } | { ok: false; reason: string };

/** Scores the baseline: runs its command like the evaluation, or takes its recorded score. */
export async function scoreBaseline(
  evaluation: Evaluation,
  evaluator: Evaluator,
  signal: AbortSignal,
): Promise<BaselineResult> {
  const baseline = evaluation.baseline!;
  const { label, margin } = baseline;
  const common = { metric: evaluation.metric, better: evaluation.better, role: 'baseline' as const, label };
  if (baseline.command === undefined) {
    const value = baseline.score!;
    const draft: EventDraft = { type: 'evaluation.recorded', payload: { evalId: 'baseline', value, ...common } };
    return { ok: true, score: { label, value, margin }, draft };
  }
  const result = await evaluator.evaluate({ ...evaluation, command: baseline.command }, signal);
  if (result.value === undefined) {
    const why = result.timedOut
      ? `timed out after ${evaluation.timeoutSeconds} s`
      : result.exitCode !== 0
        ? `exited with ${result.exitCode}`
        : `printed no JSON line with "${evaluation.metric}"`;
    const tail = result.output.trim().split('\n').slice(-5).join('\n');
    return {
      ok: false,
      reason: `The baseline (${label}) could not be scored: its command ${why}.${tail === '' ? '' : `\n${tail}`}`,
    };
  }
  const draft: EventDraft = {
    type: 'evaluation.recorded',
    payload: { evalId: result.evalId, value: result.value, output: result.output, ...common },
  };
  return { ok: true, score: { label, value: result.value, margin }, draft };
}
