import { describe, expect, it } from 'vitest';
import { medalOf, normalisedScore, standings, type BenchEntry, type BenchTaskInfo } from './bench';

const accuracy: BenchTaskInfo = {
  task: 'tabular-classification',
  kind: 'tabular classification',
  summary: '',
  metric: 'accuracy',
  better: 'higher',
  floor: 0.6,
  medals: { bronze: 0.8, silver: 0.85, gold: 0.9 },
};
const rmse: BenchTaskInfo = {
  ...accuracy,
  task: 'tabular-regression',
  metric: 'rmse',
  better: 'lower',
  floor: 40,
  medals: { bronze: 30, silver: 25, gold: 20 },
};

function entry(task: string, model: string, score: number | null): BenchEntry {
  return {
    task,
    model,
    seed: 1,
    runId: `run_${task}${model}`,
    status: 'finished',
    score,
    steps: 3,
    tokens: 100,
    cost: 0,
    durationMs: 1000,
  };
}

describe('medals and normalised scores', () => {
  it('reads thresholds as at least when higher is better and at most when lower is', () => {
    expect([0.95, 0.9, 0.86, 0.8, 0.79, null].map((score) => medalOf(accuracy, score))).toEqual([
      'gold',
      'gold',
      'silver',
      'bronze',
      null,
      null,
    ]);
    expect([19, 20, 24, 30, 31].map((score) => medalOf(rmse, score))).toEqual([
      'gold',
      'gold',
      'silver',
      'bronze',
      null,
    ]);
  });

  it('puts the trivial answer at 0 and gold at 1, either way round, and no score at 0', () => {
    expect(normalisedScore(accuracy, 0.6)).toBe(0);
    expect(normalisedScore(accuracy, 0.75)).toBeCloseTo(0.5);
    expect(normalisedScore(accuracy, 0.99)).toBe(1);
    expect(normalisedScore(accuracy, 0.4)).toBe(0);
    expect(normalisedScore(rmse, 30)).toBeCloseTo(0.5);
    expect(normalisedScore(rmse, 10)).toBe(1);
    expect(normalisedScore(rmse, null)).toBe(0);
  });

  it('ranks models by mean normalised score, counting runs that were never made as nothing', () => {
    const plan = { tasks: [accuracy, rmse], models: ['a', 'b'], seeds: 1, concurrency: 1 };
    const board = standings({
      plan,
      entries: [
        entry('tabular-classification', 'a', 0.81),
        entry('tabular-regression', 'a', 45),
        entry('tabular-classification', 'b', 0.92),
        entry('tabular-regression', 'b', 25),
      ],
    });
    expect(board.map((row) => [row.model, row.medals, row.medalRate, Number(row.meanNormalised.toFixed(3))])).toEqual([
      ['b', { gold: 1, silver: 1, bronze: 0 }, 1, 0.875],
      ['a', { gold: 0, silver: 0, bronze: 1 }, 0.5, 0.35],
    ]);
    expect(board[0]!.tokens).toBe(200);
  });
});
