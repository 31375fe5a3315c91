// `looplab compare` in words: each metric with the side that did better, and at the first difference
// what each run did, never an empty `a:` or `b:` line.
import { describe, expect, it } from 'vitest';
import type { RunComparison, RunSide, RunStep } from '../../shared/compare-runs';
import { formatComparison } from './compare-output';

function side(runId: string, f1: number): RunSide {
  return {
    runId,
    status: 'finished',
    model: 'ollama/qwen2.5-coder:7b',
    origin: 'new',
    steps: 2,
    toolCalls: 1,
    inputTokens: 1000,
    outputTokens: 100,
    cost: 0,
    elapsedMs: 3000,
    metrics: {},
    evaluations: { macro_f1: f1 },
  };
}

function modelStep(args: string): RunStep {
  return { kind: 'model', label: `model → job_status ${args}`, detail: '', isError: false, seq: 5, key: args };
}

describe('formatComparison', () => {
  it('names the better side of each metric and what each run did at the first difference', () => {
    const comparison: RunComparison = {
      a: side('run_a', 0.79),
      b: side('run_b', 0.89),
      deltas: [{ name: 'macro_f1', source: 'evaluation', a: 0.79, b: 0.89, better: 'higher', delta: 0.1, winner: 'b' }],
      steps: [{ index: 0, a: modelStep('{"wait":10}'), b: modelStep('{"wait":60}'), match: 'different' }],
      firstDivergence: 0,
    };
    const lines = formatComparison(comparison).split('\n');
    expect(lines.find((line) => line.startsWith('evaluation macro_f1'))).toMatch(
      /^evaluation macro_f1 +0\.79 +0\.89 +\+0\.1 · B better \(higher is better\)$/,
    );
    expect(lines.filter((line) => /^\s+[ab]:/.test(line))).toEqual([
      '       a: model → job_status {"wait":10}',
      '       b: model → job_status {"wait":60}',
    ]);
  });
});
