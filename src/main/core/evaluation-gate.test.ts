import { describe, expect, it } from 'vitest';
import { evaluationSchema } from '../../shared/loop-config';
import { retryVerdict } from './evaluation-gate';

const evaluation = (extra: object = {}) =>
  evaluationSchema.parse({ command: 'score', metric: 'accuracy', target: 0.9, ...extra });
const attempts = (...values: (number | undefined)[]) => values.map((value) => ({ value }));

describe('the retry rule', () => {
  it('stops with success at the target', () => {
    expect(retryVerdict(evaluation(), attempts(0.5, 0.93), 3)).toEqual({
      kind: 'stop',
      status: 'finished',
      reason: 'Target reached: accuracy = 0.93 (target ≥ 0.9) on attempt 2.',
    });
  });

  it('retries while the metric improves enough, telling the model only the value', () => {
    const verdict = retryVerdict(
      evaluation({ retry: { maxAttempts: 3, minImprovement: 0.05 } }),
      attempts(0.5, 0.6),
      3,
    );
    expect(verdict).toEqual({
      kind: 'retry',
      message:
        'The harness evaluated your work (attempt 2 of 3): accuracy = 0.6 (target ≥ 0.9). Improve it, then finish again; the harness will evaluate the workspace once more.',
    });
  });

  it('hands the run to the person when the metric stops improving or the attempts run out', () => {
    const flat = retryVerdict(evaluation({ retry: { maxAttempts: 5, minImprovement: 0.05 } }), attempts(0.5, 0.52), 5);
    expect(flat).toMatchObject({ kind: 'stop', status: 'stopped' });
    expect(flat.kind === 'stop' && flat.reason).toBe(
      'accuracy stopped improving on attempt 2 (0.5 → 0.52, needed a gain of 0.05); best accuracy = 0.52 (target ≥ 0.9).',
    );
    const limit = retryVerdict(evaluation(), attempts(0.5, 0.7, 0.8), 3);
    expect(limit.kind === 'stop' && limit.reason).toBe(
      'Attempt limit of 3 reached; best accuracy = 0.8 (target ≥ 0.9). Resume for one more attempt, or fork to change course.',
    );
  });

  it('reads lower as better for a loss, and finishes without a target when improvement ends', () => {
    const loss = evaluationSchema.parse({ command: 'score', metric: 'loss', better: 'lower', target: 0.2 });
    expect(retryVerdict(loss, attempts(0.5, 0.19), 3)).toMatchObject({ kind: 'stop', status: 'finished' });
    expect(retryVerdict(loss, attempts(0.5, 0.4), 3)).toMatchObject({ kind: 'retry' });
    const open = evaluationSchema.parse({ command: 'score', metric: 'f1' });
    expect(retryVerdict(open, attempts(0.5, 0.5), 3)).toMatchObject({ kind: 'stop', status: 'finished' });
  });

  it('counts a failed evaluation as an attempt and says so to the model', () => {
    const verdict = retryVerdict(evaluation(), attempts(undefined), 3);
    expect(verdict.kind === 'retry' && verdict.message).toContain(
      'the evaluation gave no value for accuracy (it failed, timed out, or printed no JSON line with "accuracy")',
    );
    expect(retryVerdict(evaluation(), attempts(0.5, undefined, undefined), 3)).toMatchObject({
      kind: 'stop',
      reason:
        'Attempt limit of 3 reached; best accuracy = 0.5 (target ≥ 0.9). Resume for one more attempt, or fork to change course.',
    });
  });
});
