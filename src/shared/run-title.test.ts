import { describe, expect, it } from 'vitest';
import { cutAtWord, evaluationSentence, metricPassed, metricText, runTitle } from './run-title';
import type { RunMetric } from './run-summary';

const example =
  'Train a text classifier on train.csv (columns text,label) and predict a label for every row of test.csv ' +
  '(columns id,text). Inspect the data first with data_inspect.';

const f1 = (value: number, attempt: number | null = 1): RunMetric => ({
  name: 'macro_f1',
  value,
  target: 0.85,
  better: 'higher',
  attempt,
});

describe('runTitle', () => {
  it('names a spec run by the spec and its parameters', () => {
    const spec = { name: 'text-classifier', params: { data: 'train.csv', target: '0.85' } };
    expect(runTitle({ goal: example, spec })).toBe('text-classifier (data=train.csv, target=0.85)');
    expect(runTitle({ goal: example, spec: { name: 'tune', params: {} } })).toBe('tune');
  });

  it('keeps a short goal whole and marks a goal that goes on after its first sentence', () => {
    expect(runTitle({ goal: 'Count the lines in README.md', spec: null })).toBe('Count the lines in README.md');
    expect(runTitle({ goal: 'Count the lines in README.md.', spec: null })).toBe('Count the lines in README.md');
    expect(runTitle({ goal: 'Fix the build. Then run the tests.', spec: null })).toBe('Fix the build…');
  });

  it('cuts a long first sentence at a clause outside brackets, never mid-word', () => {
    const title = runTitle({ goal: example, spec: null });
    expect(title).toBe('Train a text classifier on train.csv (columns text,label)…');
    const words = 'word '.repeat(40);
    const cut = runTitle({ goal: words, spec: null });
    expect(cut.length).toBeLessThanOrEqual(72);
    expect(cut).toMatch(/ word…$/);
  });

  it('does not take a file name for the end of a sentence', () => {
    expect(runTitle({ goal: 'Read data.csv and plot it', spec: null })).toBe('Read data.csv and plot it');
  });

  it('names a run without a goal', () => {
    expect(runTitle({ goal: '  ', spec: null })).toBe('Untitled run');
  });

  it('cuts at a word', () => {
    expect(cutAtWord('alpha beta gamma delta', 12)).toBe('alpha beta…');
    expect(cutAtWord('short', 12)).toBe('short');
  });
});

describe('metric result', () => {
  it('says whether the target was reached, either way round', () => {
    expect(metricPassed(f1(0.8929))).toBe(true);
    expect(metricPassed(f1(0.79))).toBe(false);
    expect(metricPassed({ ...f1(0.1), better: 'lower', target: 0.2 })).toBe(true);
    expect(metricPassed({ ...f1(0.9), target: null })).toBeNull();
  });

  it('writes the metric with its target and a mark', () => {
    expect(metricText(f1(0.8929))).toBe('macro_f1 0.8929 ✓ ≥ 0.85');
    expect(metricText({ ...f1(0.31), name: 'loss', better: 'lower', target: 0.2 })).toBe('loss 0.31 ✗ ≤ 0.2');
    expect(metricText({ ...f1(0.91), target: null })).toBe('macro_f1 0.91');
    expect(metricText(f1(0.79), 'short')).toBe('macro_f1 0.79 ✗');
  });

  it('tells an attempt in a sentence', () => {
    expect(evaluationSentence(f1(0.7932))).toBe('Attempt 1 scored macro_f1 0.7932 — below the 0.85 target');
    expect(evaluationSentence(f1(0.8929, 2))).toBe('Attempt 2 scored macro_f1 0.8929 — reaches the 0.85 target');
    expect(evaluationSentence({ ...f1(0.5, null), target: null })).toBe('The evaluation scored macro_f1 0.5');
  });
});
