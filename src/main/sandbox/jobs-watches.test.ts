// A job's watches judged on the lines a trainer prints, with the clock given: what fires, when, once.
import { describe, expect, it } from 'vitest';
import { jobWatchesSchema, type WatchRuleInput } from '../../shared/job-watches';
import { parseMetricLine } from './jobs-metrics';
import { nonFiniteValues, progressOf, WatchSet, type JobDeadline } from './jobs-watches';

const START = 1_000_000;

function watchSet(watches: WatchRuleInput[], deadline?: JobDeadline): WatchSet {
  return new WatchSet(jobWatchesSchema.parse(watches), deadline, START);
}

/** Feeds lines one second apart; returns the messages of what fired. */
function feed(set: WatchSet, lines: string[], from = START): string[] {
  return lines
    .flatMap((line, index) => set.line(line, parseMetricLine(line), from + index * 1000))
    .map((f) => f.message);
}

describe('job watches', () => {
  it('sees NaN and infinite values in JSON lines and in the Trainer’s Python dicts', () => {
    expect(nonFiniteValues('{"step": 30, "loss": NaN, "lr": 0.1}')).toEqual({ names: ['loss is NaN'], step: 30 });
    expect(nonFiniteValues("{'loss': nan, 'grad_norm': inf, 'epoch': 0.5}")).toEqual({
      names: ['loss is nan', 'grad_norm is inf'],
      step: undefined,
    });
    expect(nonFiniteValues('{"step": 3, "loss": 0.5, "note": "infinite patience"}')).toBeUndefined();
    expect(nonFiniteValues('loss is nan')).toBeUndefined();
  });

  it('fires a non-finite watch once, for its metric only', () => {
    const set = watchSet([{ kind: 'non_finite', metric: 'loss' }]);
    expect(
      feed(set, ['{"step": 1, "grad_norm": NaN}', '{"step": 2, "loss": NaN}', '{"step": 3, "loss": NaN}']),
    ).toEqual(['loss is NaN at step 2']);
  });

  it('fires a plateau after N logs without an improvement of minDelta', () => {
    const set = watchSet([{ kind: 'plateau', metric: 'eval_loss', logs: 3, minDelta: 0.01 }]);
    const values = [1.0, 0.8, 0.795, 0.792, 0.81];
    const lines = values.map((value, step) => JSON.stringify({ step, eval_loss: value }));
    expect(feed(set, lines)).toEqual(['eval_loss has not improved on 0.8 over 3 logs at step 4']);
    const higher = watchSet([{ kind: 'plateau', metric: 'accuracy', logs: 2, better: 'higher' }]);
    expect(feed(higher, ['{"accuracy": 0.5}', '{"accuracy": 0.6}', '{"accuracy": 0.7}'])).toEqual([]);
  });

  it('fires a silent watch after T minutes without output, and again once output came back and stopped', () => {
    const set = watchSet([{ kind: 'silent', minutes: 2 }]);
    expect(set.tick(START + 119_000)).toEqual([]);
    expect(set.tick(START + 120_000).map((f) => f.message)).toEqual(['no output for 2m 00s']);
    expect(set.tick(START + 180_000)).toEqual([]);
    feed(set, ['still here'], START + 200_000);
    expect(set.tick(START + 330_000).map((f) => f.message)).toEqual(['no output for 2m 10s']);
  });

  it('reads progress from tqdm bars and from a step of max_steps', () => {
    expect(progressOf(' 12%|█▏        | 12/100 [00:10<01:13,  1.20it/s]', undefined)).toEqual({ done: 12, total: 100 });
    expect(progressOf('x\r 50%|█████     | 50/100 [00:40<00:40]', undefined)).toEqual({ done: 50, total: 100 });
    const metric = parseMetricLine('{"step": 40, "loss": 1.2, "max_steps": 400}');
    expect(progressOf('', metric)).toEqual({ done: 40, total: 400 });
    expect(progressOf('saved 3/4 shards? no: 2026/12/01', undefined)).toEqual({ done: 3, total: 4 });
    expect(progressOf('accuracy 0.5', undefined)).toBeUndefined();
  });

  it('estimates the end from the pace since the first report and fires when it falls past the deadline', () => {
    const deadline: JobDeadline = { at: START + 600_000, what: 'the run’s time budget' };
    const set = watchSet([{ kind: 'eta_over_budget' }], deadline);
    expect(set.line('| 10/1000 [', undefined, START)).toEqual([]);
    // 10 steps in 10 s: not long enough to judge the pace.
    expect(set.line('| 20/1000 [', undefined, START + 10_000)).toEqual([]);
    expect(set.progress).toBeUndefined();
    const fired = set.line('| 40/1000 [', undefined, START + 30_000);
    expect(set.progress).toEqual({ done: 40, total: 1000, etaSeconds: 960 });
    expect(fired.map((f) => f.message)).toEqual([
      '40/1000 done; at this pace it needs 16m 00s more, and the run’s time budget ends in 9m 30s',
    ]);
    // A smaller bar (evaluation) does not move the estimate.
    set.line('| 3/50 [', undefined, START + 31_000);
    expect(set.progress?.total).toBe(1000);
  });

  it('does not fire a watch recorded as fired before a restart', () => {
    const watches = jobWatchesSchema.parse([{ kind: 'non_finite' }]);
    const set = new WatchSet(watches, undefined, START, watches);
    expect(feed(set, ['{"loss": NaN}'])).toEqual([]);
  });
});
