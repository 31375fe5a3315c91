import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { listSpecs, parseLoopSpec, prepareSpec, readLoopSpec } from './loop-spec';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'looplab-spec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

const good = `name: tune-classifier
description: Train a classifier and tune it.
goal: Train a classifier on {{data}} predicting {{label}}.
params:
  data: { default: train.csv }
  label: { description: the column to predict }
model: ollama/qwen2.5-coder:7b
maxSteps: 20
rules:
  - { tool: bash, action: ask }
data: [ "{{data}}" ]
evaluation:
  command: python3 /heldout/score.py --label {{label}}
  metric: accuracy
  target: 0.9
  heldOut: [ labels.csv ]
  retry: { maxAttempts: 4, minImprovement: 0.01 }
`;

describe('loop spec files', () => {
  it('fills parameters and makes paths absolute relative to the spec', () => {
    writeFileSync(join(dir, 'train.csv'), 'text,label\n');
    writeFileSync(join(dir, 'labels.csv'), 'label\n');
    const file = join(dir, 'loop.yaml');
    writeFileSync(file, good);
    const prepared = prepareSpec(readLoopSpec(file), file, { label: 'sentiment' });
    expect(prepared.goal).toBe('Train a classifier on train.csv predicting sentiment.');
    expect(prepared.data).toEqual([join(dir, 'train.csv')]);
    expect(prepared.config.evaluation).toMatchObject({
      command: 'python3 /heldout/score.py --label sentiment',
      heldOut: [join(dir, 'labels.csv')],
      better: 'higher',
      retry: { maxAttempts: 4, minImprovement: 0.01 },
    });
    expect(prepared.config.maxSteps).toBe(20);
    expect(prepared.config.rules).toEqual([{ tool: 'bash', action: 'ask' }]);
    expect(prepared.config.spec).toEqual({
      name: 'tune-classifier',
      params: { data: 'train.csv', label: 'sentiment' },
      file: join(dir, 'loop.yaml'),
    });
  });

  it('names the line, column and field of every mistake', () => {
    const broken = good
      .replace('maxSteps: 20', 'maxSteps: twenty')
      .replace('  target: 0.9', '  target: 0.9\n  metrik: f1')
      .replace('action: ask', 'action: maybe');
    const error = errorOf(() => parseLoopSpec(broken, '/specs/loop.yaml'));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('The loop spec /specs/loop.yaml has 3 errors');
    expect(error.message.split('\n').slice(1)).toEqual([
      '  loop.yaml:8:11 maxSteps: Invalid input: expected number, received string',
      '  loop.yaml:10:27 rules[0].action: Invalid option: expected one of "allow"|"ask"|"deny"',
      '  loop.yaml:16:3 evaluation.metrik: unknown field (did you mean metric?) (known: command, metric, better, target, baseline, heldOut, timeoutSeconds, retry)',
    ]);
  });

  it('names a field of the budget it does not know, instead of dropping it', () => {
    const error = errorOf(() => parseLoopSpec('name: a\ngoal: Go\nbudget:\n  tokens: 1000\n  costUSD: 2\n', 'a.yaml'));
    expect(error.message.split('\n').slice(1)).toEqual([
      '  a.yaml:5:3 budget.costUSD: unknown field (did you mean costUsd?) (known: tokens, costUsd, wallMs)',
    ]);
  });

  it('gives its jobs what it says they may use, and names a misspelt field of it', () => {
    const file = join(dir, 'train.yaml');
    writeFileSync(file, 'name: train\ngoal: Train\njobs: { memoryMb: 32768, shmMb: 4096, timeoutSeconds: 172800 }\n');
    expect(prepareSpec(readLoopSpec(file), file, {}).config.jobs).toEqual({
      memoryMb: 32768,
      shmMb: 4096,
      timeoutSeconds: 172800,
    });
    const error = errorOf(() => parseLoopSpec('name: a\ngoal: Go\njobs:\n  memoryMB: 1024\n', 'a.yaml'));
    expect(error.message.split('\n').slice(1)).toEqual([
      '  a.yaml:4:3 jobs.memoryMB: unknown field (did you mean memoryMb?) (known: cpus, memoryMb, pids, shmMb, timeoutSeconds, watches, resume, target)',
    ]);
  });

  it('reports YAML syntax errors and missing fields with their place', () => {
    const syntax = errorOf(() => parseLoopSpec('name: a\ngoal: [unclosed\n', 'a.yaml'));
    expect(syntax.message).toMatch(/a\.yaml:\d+:\d+ /);
    const missing = errorOf(() => parseLoopSpec('name: a\nmodel: ollama/x\n', 'a.yaml'));
    expect(missing.message).toContain('a.yaml:1:1 goal: required field is missing');
    const json = errorOf(() => parseLoopSpec('{"name": "a", "goal": 3}', 'a.json'));
    expect(json.message).toMatch(/a\.json:1:23 goal: /);
    expect(errorOf(() => parseLoopSpec('- a\n- b\n', 'a.yaml')).message).toContain('a mapping of fields');
  });

  it('says which parameter is unknown, missing, or used without being declared', () => {
    writeFileSync(join(dir, 'train.csv'), '');
    writeFileSync(join(dir, 'labels.csv'), '');
    const spec = parseLoopSpec(good, join(dir, 'loop.yaml'));
    expect(errorOf(() => prepareSpec(spec, join(dir, 'loop.yaml'), {})).message).toContain('needs a value for label');
    const unknown = errorOf(() => prepareSpec(spec, join(dir, 'loop.yaml'), { label: 'y', colour: 'red' }));
    expect(unknown.message).toContain('has no parameter colour');
    expect(unknown.hint).toBe('Its parameters: data, label.');
    const undeclared = parseLoopSpec('name: a\ngoal: Use {{model_size}}\n', join(dir, 'a.yaml'));
    expect(errorOf(() => prepareSpec(undeclared, join(dir, 'a.yaml'), {})).message).toContain(
      'uses {{model_size}} in goal, but declares no parameter model_size',
    );
    const noFile = parseLoopSpec('name: a\ngoal: x\ndata: [missing.csv]\n', join(dir, 'a.yaml'));
    expect(errorOf(() => prepareSpec(noFile, join(dir, 'a.yaml'), {})).message).toContain(
      `names data missing.csv, which does not exist (looked at ${join(dir, 'missing.csv')})`,
    );
  });

  it('lists saved specs by name, with broken ones marked', () => {
    mkdirSync(join(dir, 'specs'), { recursive: true });
    writeFileSync(join(dir, 'specs', 'again.yaml'), 'name: again\ngoal: Tune it\n');
    mkdirSync(join(dir, 'specs', 'starter'), { recursive: true });
    writeFileSync(join(dir, 'specs', 'starter', 'loop.yaml'), 'name: starter\ngoal: Go\n');
    writeFileSync(join(dir, 'specs', 'zz-broken.yaml'), 'name: [\n');
    const listed = listSpecs([join(dir, 'specs')]);
    expect(listed.map((spec) => [spec.name, spec.error === undefined])).toEqual([
      ['again', true],
      ['starter', true],
      ['zz-broken.yaml', false],
    ]);
  });
});
