// The harness's metrics script (resources/sandbox/metrics.py), run as the evaluation container runs it,
// on small files whose scores are known by hand.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'resources', 'sandbox', 'metrics.py');
const dir = mkdtempSync(join(tmpdir(), 'looplab-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function score(...args: string[]): { code: number | null; last: string; err: string } {
  const result = spawnSync('python3', [script, ...args], { encoding: 'utf8' });
  return { code: result.status, last: result.stdout.trim().split('\n').at(-1) ?? '', err: result.stderr };
}

describe('the metrics script', () => {
  const gold = file('gold.csv', 'id,label\n1,cat\n2,dog\n3,cat\n4,bird\n');

  it('matches rows by id and scores accuracy and macro F1', () => {
    const pred = file('pred.csv', 'id,label\n4,bird\n3,dog\n1,cat\n');
    expect(JSON.parse(score('accuracy', pred, gold).last)).toEqual({ accuracy: 0.5, rows: 4, missing: 1 });
    // cat: tp1 fn1 → 2/3; dog: fp1 fn1 → 0; bird: 1 → mean 0.555556
    expect(JSON.parse(score('f1_macro', pred, gold).last)).toEqual({ f1_macro: 0.555556, rows: 4, missing: 1 });
  });

  it('scores exact match, ROUGE-L and perplexity', () => {
    const answers = file('answers.txt', 'Paris\n 42 \nblue\n');
    const truth = file('truth.txt', 'paris\n42\nred\n');
    expect(JSON.parse(score('exact_match', answers, truth).last)).toMatchObject({ exact_match: 0.666667 });
    const summary = file('summary.jsonl', '{"id": 1, "prediction": "the cat sat"}\n');
    const reference = file('reference.jsonl', '{"id": 1, "label": "the cat sat down"}\n');
    // LCS 3: precision 1, recall 0.75 → F 0.857143
    expect(JSON.parse(score('rouge_l', summary, reference).last)).toMatchObject({ rouge_l: 0.857143 });
    const nll = file('nll.jsonl', '{"nll": 6, "tokens": 3}\n{"nll": 4, "tokens": 2}\n');
    expect(JSON.parse(score('perplexity', nll).last)).toMatchObject({ perplexity: 7.389056, rows: 5 });
  });

  it('says what is wrong with bad input, exiting 2', () => {
    const missing = score('accuracy', join(dir, 'none.csv'), gold);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('none.csv: No such file or directory');
    const column = score('accuracy', gold, gold, 'score');
    expect(column.err).toContain('has no column score (it has id, label)');
    expect(score('bleu', gold, gold).err).toContain('unknown metric bleu');
  });
});
