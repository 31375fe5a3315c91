// The evaluation gate with a baseline: the harness scores the baseline once, when the first attempt is done,
// on the same held-out data, and an attempt passes when it beats it by the margin (and any target).
import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../shared/events';
import { evaluationSchema } from '../../shared/loop-config';
import { buildGraph } from '../../shared/run-graph';
import { summarizeAll } from '../../shared/run-summary';
import { metricText } from '../../shared/run-title';
import { EvaluationGate, type EvaluationResult, type Evaluator } from './evaluation-gate';
import { RunRecorder } from './recorder';
import { createRedactor } from './redact';

function memoryLog() {
  const events: RunEvent[] = [];
  return {
    events,
    loadEvents: () => [...events],
    append(runId: string, drafts: readonly EventDraft[]): RunEvent[] {
      const added = drafts.map((draft) => ({ runId, seq: events.length, time: events.length, ...draft }) as RunEvent);
      for (const event of added) events.push({ ...event, seq: events.length });
      return events.slice(-added.length);
    },
  };
}

/** Scores by command: the baseline's, then each attempt's in turn; `null` prints no metric. */
function scripted(scores: Record<string, (number | null)[]>): Evaluator & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async evaluate(evaluation): Promise<EvaluationResult> {
      calls.push(evaluation.command);
      const value = scores[evaluation.command]?.shift() ?? null;
      return {
        evalId: `eval_${calls.length}`,
        exitCode: value === null ? 1 : 0,
        output: value === null ? 'Traceback: no predictions.csv' : JSON.stringify({ macro_f1: value }),
        value: value ?? undefined,
        timedOut: false,
      };
    },
  };
}

function gate(log: ReturnType<typeof memoryLog>, evaluator: Evaluator, extra: object = {}) {
  const evaluation = evaluationSchema.parse({
    command: 'score',
    metric: 'macro_f1',
    baseline: { command: 'baseline', label: 'TF-IDF + LR', margin: 0.02 },
    retry: { maxAttempts: 3 },
    ...extra,
  });
  if (log.events.length === 0)
    log.append('run_b', [
      { type: 'run.created', payload: { goal: 'beat it', model: 'scripted/test', origin: 'spec' } },
    ]);
  const recorder = new RunRecorder(log, 'run_b', createRedactor([]));
  const finished = { run: async () => ({ status: 'finished' as const, reason: null }) };
  return new EvaluationGate({ log, recorder, evaluation, evaluator, newLoop: () => finished }, 'run_b');
}

describe('an evaluation gate with a baseline', () => {
  it('scores the baseline first, then passes the attempt that beats it by the margin', async () => {
    const log = memoryLog();
    const evaluator = scripted({ baseline: [0.79], score: [0.8, 0.85] });
    const outcome = await gate(log, evaluator).run(new AbortController().signal);
    expect(outcome).toEqual({
      status: 'finished',
      reason: 'Target reached: macro_f1 = 0.85 (target ≥ 0.81: TF-IDF + LR 0.79 + 0.02) on attempt 2.',
    });
    expect(evaluator.calls).toEqual(['baseline', 'score', 'score']);
    const scores = log.events.flatMap((event) => (event.type === 'evaluation.recorded' ? [event.payload] : []));
    expect(
      scores.map(({ value, role, attempt, target, baseline }) => ({ value, role, attempt, target, baseline })),
    ).toEqual([
      { value: 0.79, role: 'baseline', attempt: undefined, target: undefined, baseline: undefined },
      {
        value: 0.8,
        role: undefined,
        attempt: 1,
        target: 0.81,
        baseline: { label: 'TF-IDF + LR', value: 0.79, margin: 0.02 },
      },
      {
        value: 0.85,
        role: undefined,
        attempt: 2,
        target: 0.81,
        baseline: { label: 'TF-IDF + LR', value: 0.79, margin: 0.02 },
      },
    ]);
    // The model was told what it must reach and where that comes from.
    const told = log.events.find((event) => event.type === 'message.user');
    expect(told?.type === 'message.user' && told.payload.text).toContain(
      'macro_f1 = 0.8 (target ≥ 0.81: TF-IDF + LR 0.79 + 0.02)',
    );
    // The run's result and its graph show both: the goal carries the baseline, each gate its comparison.
    const summary = summarizeAll(log.events)!;
    expect(metricText(summary.metric!)).toBe('macro_f1 0.85 ✓ ≥ 0.81 (TF-IDF + LR 0.79)');
    const graph = buildGraph(log.events);
    expect(graph.nodes.find((node) => node.id === 'start')?.baseline).toEqual({
      label: 'TF-IDF + LR',
      metric: 'macro_f1',
      value: 0.79,
    });
    expect(graph.nodes.filter((node) => node.kind === 'evaluation').map((node) => node.evaluation?.passed)).toEqual([
      false,
      true,
    ]);
  });

  it('does not score the baseline again on a resume', async () => {
    const log = memoryLog();
    await gate(log, scripted({ baseline: [0.79], score: [0.7, 0.7] }), { retry: { maxAttempts: 2 } }).run(
      new AbortController().signal,
    );
    const again = scripted({ score: [0.9] });
    const outcome = await gate(log, again, { retry: { maxAttempts: 2 } }).run(new AbortController().signal);
    expect(again.calls).toEqual(['score']);
    expect(outcome.status).toBe('finished');
  });

  it('takes the stricter of a target and the baseline, and a recorded score as the baseline', async () => {
    const log = memoryLog();
    const evaluator = scripted({ score: [0.86, 0.91] });
    const outcome = await gate(log, evaluator, {
      target: 0.9,
      baseline: { score: 0.8, label: 'last quarter’s model', margin: 0.05 },
    }).run(new AbortController().signal);
    expect(evaluator.calls).toEqual(['score', 'score']);
    expect(outcome.reason).toBe(
      'Target reached: macro_f1 = 0.91 (target ≥ 0.9: last quarter’s model 0.8 + 0.05) on attempt 2.',
    );
  });

  it('fails the run, saying why, when the baseline cannot be scored', async () => {
    const log = memoryLog();
    const outcome = await gate(log, scripted({ baseline: [null] })).run(new AbortController().signal);
    expect(outcome).toEqual({
      status: 'failed',
      reason:
        'The baseline (TF-IDF + LR) could not be scored: its command exited with 1.\nTraceback: no predictions.csv',
    });
  });

  it('refuses a baseline that is both a command and a score, or neither', () => {
    for (const baseline of [{ command: 'b', score: 0.5 }, { label: 'x' }])
      expect(evaluationSchema.safeParse({ command: 'score', metric: 'f1', baseline }).error?.issues[0]?.message).toBe(
        'a baseline is either a command the harness scores or a recorded score: give one of the two',
      );
  });
});
