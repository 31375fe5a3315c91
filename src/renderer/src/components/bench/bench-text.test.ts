import { describe, expect, it } from 'vitest';
import type { BenchEntry, BenchTaskInfo } from '../../../../shared/bench';
import {
  benchCells,
  benchProgress,
  benchShape,
  cellKey,
  entryView,
  meanScore,
  taskTitle,
  thresholdsText,
} from './bench-text';

const rmse: BenchTaskInfo = {
  task: 'house-prices',
  kind: 'tabular regression',
  summary: 'Predict sale prices.',
  metric: 'rmse',
  better: 'lower',
  floor: 60000,
  medals: { bronze: 40000, silver: 35000, gold: 30000 },
};

function entry(part: Partial<BenchEntry>): BenchEntry {
  return {
    task: 'house-prices',
    model: 'm',
    seed: 1,
    runId: 'run_1',
    status: 'finished',
    score: null,
    steps: 0,
    tokens: 0,
    cost: 0,
    durationMs: 0,
    ...part,
  };
}

describe('what the bench view says', () => {
  it('names a bench by its shape, in the singular where there is one', () => {
    expect(benchShape({ tasks: [rmse], models: ['a', 'b'], seeds: 1, concurrency: 1 })).toBe(
      '1 task × 2 models × 1 seed',
    );
  });

  it('writes thresholds the way the metric goes, and the trivial answer in the title', () => {
    expect(thresholdsText(rmse)).toBe('gold ≤ 30000 · silver ≤ 35000 · bronze ≤ 40000');
    expect(taskTitle(rmse)).toBe(
      'Predict sale prices.\nrmse, lower is better\nMedals: gold ≤ 30000 · silver ≤ 35000 · bronze ≤ 40000\nThe trivial answer scores 60000 (a normalised score of 0; gold is 1).',
    );
  });

  it('says what stands in for a missing score', () => {
    expect(entryView(rmse, entry({ score: 33000 }))).toEqual({ score: '33000', scored: true, medal: 'silver' });
    expect(entryView(rmse, entry({ score: 50000 }))).toEqual({ score: '50000', scored: true, medal: null });
    expect(entryView(rmse, entry({ runId: null, status: null })).score).toBe('not run');
    expect(entryView(rmse, entry({ status: 'running' })).score).toBe('running');
    expect(entryView(rmse, entry({ status: 'failed' })).score).toBe('no score');
  });

  it('groups entries by task and model, seed by seed, and averages the seeds that scored', () => {
    const entries = [entry({ seed: 2, score: 3 }), entry({ seed: 1, score: 1 }), entry({ seed: 3, runId: null })];
    const cell = benchCells({ entries }).get(cellKey('house-prices', 'm'))!;
    expect(cell.map((one) => one.seed)).toEqual([1, 2, 3]);
    expect(meanScore(cell)).toBe(2);
    expect(meanScore([entry({})])).toBeNull();
    expect(benchProgress({ entries: [...entries, entry({ status: 'waiting' })] })).toEqual({
      recorded: 3,
      total: 4,
      going: 1,
    });
  });
});
