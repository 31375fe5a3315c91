// The evaluation gate of a loop spec: the agent works until it says it is done (an attempt), then the
// harness evaluates the workspace, records the metric, and its retry rule decides: stop at the target,
// try again while the metric improves enough, or hand the run to the person at the attempt limit.
//
// The model is told only the metric's value, never the evaluation's output: the output may come from code
// the agent wrote and could carry held-out data; it is recorded for the person alone.
import type { EventDraft, RunEvent, RunStatus } from '../../shared/events';
import { formatMetric } from '../../shared/format';
import type { Evaluation } from '../../shared/loop-config';
import { AppError } from '../../shared/errors';
import type { LoopOutcome } from './loop';
import type { RunLog } from './ports';
import type { Recorder } from './recorder';
import {
  againstBaseline,
  baselineText,
  recordedBaseline,
  scoreBaseline,
  type BaselineResult,
  type BaselineScore,
} from './evaluation-baseline';

export interface EvaluationResult {
  evalId: string;
  exitCode: number;
  /** The tail of the command's output. */
  output: string;
  /** The metric, when the output carried it. */
  value: number | undefined;
  timedOut: boolean;
}

export interface Evaluator {
  evaluate(evaluation: Evaluation, signal: AbortSignal): Promise<EvaluationResult>;
}

export interface RunnableLoop {
  run(signal: AbortSignal): Promise<LoopOutcome>;
}

/** One attempt as the log records it: its metric, or none when the evaluation gave none. */
export interface Attempt {
  value: number | undefined;
}

export type Verdict = { kind: 'stop'; status: RunStatus; reason: string } | { kind: 'retry'; message: string };

/** The attempts recorded so far, in order. */
export function attemptsOf(events: readonly RunEvent[]): Attempt[] {
  const attempts: Attempt[] = [];
  for (const event of events) {
    // Only the harness's judgements of attempts; scores the agent asked for (the evaluate tool) have none.
    if (event.type === 'evaluation.recorded' && event.payload.attempt !== undefined)
      attempts.push({ value: event.payload.value });
    if (event.type === 'evaluation.failed') attempts.push({ value: undefined });
  }
  return attempts;
}

const isBetter = (evaluation: Evaluation, a: number, b: number): boolean =>
  evaluation.better === 'lower' ? a < b : a > b;

function reached(evaluation: Evaluation, value: number): boolean {
  const { target } = evaluation;
  if (target === undefined) return false;
  return evaluation.better === 'lower' ? value <= target : value >= target;
}

function best(evaluation: Evaluation, attempts: readonly Attempt[]): number | undefined {
  let found: number | undefined;
  for (const { value } of attempts) {
    if (value !== undefined && (found === undefined || isBetter(evaluation, value, found))) found = value;
  }
  return found;
}

function targetText(evaluation: Evaluation, source?: string): string {
  if (evaluation.target === undefined) return '';
  const from = source === undefined ? '' : `: ${source}`;
  return ` (target ${evaluation.better === 'lower' ? '≤' : '≥'} ${formatMetric(evaluation.target)}${from})`;
}

/**
 * What the retry rule says after the last of `attempts`, given at most `maxAttempts` in all: stop at the
 * target, stop when the metric stopped improving by `minImprovement`, stop at the attempt limit, else retry.
 */
export function retryVerdict(
  evaluation: Evaluation,
  attempts: readonly Attempt[],
  maxAttempts: number,
  /** Where the target comes from, when a baseline set it (`TF-IDF 0.79 + 0.02`). */
  source?: string,
): Verdict {
  const { metric } = evaluation;
  const attempt = attempts.length;
  const current = attempts[attempt - 1]?.value;
  const before = best(evaluation, attempts.slice(0, -1));
  const overall = best(evaluation, attempts);
  // Without a target the loop optimises for as long as the rule allows: that ending is a finish.
  const endStatus: RunStatus = evaluation.target === undefined ? 'finished' : 'stopped';
  const bestText =
    overall === undefined
      ? `no attempt gave ${metric}`
      : `best ${metric} = ${formatMetric(overall)}${targetText(evaluation, source)}`;
  if (current !== undefined && reached(evaluation, current)) {
    return {
      kind: 'stop',
      status: 'finished',
      reason: `Target reached: ${metric} = ${formatMetric(current)}${targetText(evaluation, source)} on attempt ${attempt}.`,
    };
  }
  if (attempt >= maxAttempts) {
    return {
      kind: 'stop',
      status: endStatus,
      reason: `Attempt limit of ${maxAttempts} reached; ${bestText}. ${endStatus === 'stopped' ? 'Resume for one more attempt, or fork to change course.' : 'It has finished: run the spec again with a higher retry.maxAttempts, or fork to change course.'}`,
    };
  }
  if (current !== undefined && before !== undefined) {
    const gain = evaluation.better === 'lower' ? before - current : current - before;
    const needed = evaluation.retry.minImprovement;
    if (gain < needed || (needed === 0 && gain <= 0)) {
      return {
        kind: 'stop',
        status: endStatus,
        reason: `${metric} stopped improving on attempt ${attempt} (${formatMetric(before)} → ${formatMetric(current)}, needed ${needed === 0 ? 'any gain' : `a gain of ${formatMetric(needed)}`}); ${bestText}.`,
      };
    }
  }
  const result =
    current === undefined
      ? `the evaluation gave no value for ${metric} (it failed, timed out, or printed no JSON line with "${metric}")`
      : `${metric} = ${formatMetric(current)}`;
  return {
    kind: 'retry',
    message: `The harness evaluated your work (attempt ${attempt} of ${maxAttempts}): ${result}${targetText(evaluation, source)}. Improve it, then finish again; the harness will evaluate the workspace once more.`,
  };
}

export interface EvaluationGateDeps {
  /** Where the attempts so far are read. */
  log: Pick<RunLog, 'loadEvents'>;
  /** The run's recorder, which the loops of each attempt share. */
  recorder: Recorder;
  evaluation: Evaluation;
  evaluator: Evaluator;
  /** A fresh loop for the next attempt (a loop folds the log once, when it starts). */
  newLoop(): RunnableLoop;
}

/** The evaluation gate around a loop; it runs the same way a plain loop does, so every host can drive it. */
export class EvaluationGate implements RunnableLoop {
  private baselineScore: BaselineScore | undefined;

  constructor(
    private readonly deps: EvaluationGateDeps,
    readonly runId: string,
  ) {}

  async run(signal: AbortSignal): Promise<LoopOutcome> {
    // A person resuming a run stopped at the attempt limit grants it one more attempt.
    // Only this loop records attempts, so the log is read once and the list kept up to date here.
    const events = this.deps.log.loadEvents(this.runId);
    const attempts = attemptsOf(events);
    const maxAttempts = Math.max(this.deps.evaluation.retry.maxAttempts, attempts.length + 1);
    this.baselineScore = recordedBaseline(this.deps.evaluation, events);
    for (;;) {
      const outcome = await this.deps.newLoop().run(signal);
      if (outcome.status !== 'finished') return outcome;
      const attempt = attempts.length + 1;
      // The baseline is scored once, when the first attempt is done: it may need what the agent made
      // (the base model's answers, written by a job).
      const baseline = await this.baseline(signal);
      if (baseline !== undefined && 'status' in baseline) return this.end(baseline);
      const evaluation = againstBaseline(this.deps.evaluation, baseline);
      this.record([{ type: 'run.status', payload: { status: 'running', reason: `Evaluating attempt ${attempt}.` } }]);
      let result: EvaluationResult;
      try {
        result = await this.deps.evaluator.evaluate(evaluation, signal);
      } catch (error) {
        return this.end(signal.aborted ? stoppedOutcome() : failedOutcome(error));
      }
      this.record([this.resultEvent(evaluation, result, attempt)]);
      attempts.push({ value: result.value });
      const source = baseline === undefined ? undefined : baselineText(this.deps.evaluation, baseline);
      const verdict = retryVerdict(evaluation, attempts, maxAttempts, source);
      if (verdict.kind === 'stop') return this.end({ status: verdict.status, reason: verdict.reason });
      this.record([{ type: 'message.user', payload: { text: verdict.message, source: 'harness' } }]);
    }
  }

  /** The baseline to beat: scored before in this run, scored now, or none. */
  private async baseline(signal: AbortSignal): Promise<BaselineScore | LoopOutcome | undefined> {
    const { evaluation } = this.deps;
    if (evaluation.baseline === undefined || this.baselineScore !== undefined) return this.baselineScore;
    this.record([
      {
        type: 'run.status',
        payload: { status: 'running', reason: `Scoring the baseline (${evaluation.baseline.label}).` },
      },
    ]);
    let scored: BaselineResult;
    try {
      scored = await scoreBaseline(evaluation, this.deps.evaluator, signal);
    } catch (error) {
      return signal.aborted ? stoppedOutcome() : failedOutcome(error);
    }
    if (!scored.ok) return { status: 'failed', reason: scored.reason };
    this.record([scored.draft]);
    this.baselineScore = scored.score;
    return scored.score;
  }

  private resultEvent(evaluation: Evaluation, result: EvaluationResult, attempt: number): EventDraft {
    const { evalId, output, value } = result;
    const baseline = this.baselineScore;
    if (value !== undefined) {
      return {
        type: 'evaluation.recorded',
        payload: {
          evalId,
          metric: evaluation.metric,
          value,
          attempt,
          better: evaluation.better,
          output,
          ...(evaluation.target === undefined ? {} : { target: evaluation.target }),
          ...(baseline === undefined ? {} : { baseline }),
        },
      };
    }
    const reason = result.timedOut
      ? `timed out after ${evaluation.timeoutSeconds} s`
      : result.exitCode !== 0
        ? `the command exited with ${result.exitCode}`
        : `no JSON line with "${evaluation.metric}" in its output`;
    return { type: 'evaluation.failed', payload: { evalId, metric: evaluation.metric, attempt, reason, output } };
  }

  private end(outcome: LoopOutcome): LoopOutcome {
    const { status, reason } = outcome;
    this.record([{ type: 'run.status', payload: reason === null ? { status } : { status, reason } }]);
    return outcome;
  }

  private record(drafts: EventDraft[]): void {
    this.deps.recorder.record(drafts);
  }
}

function stoppedOutcome(): LoopOutcome {
  return { status: 'interrupted', reason: 'Stopped during the evaluation.' };
}

function failedOutcome(error: unknown): LoopOutcome {
  const message =
    error instanceof AppError ? `${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}` : String(error);
  return { status: 'failed', reason: `The evaluation could not run: ${message}` };
}
