import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageHeldOut } from './held-out-staging';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'looplab-staging-'));
  mkdirSync(join(base, 'install', 'starters', 'labels'), { recursive: true });
  writeFileSync(join(base, 'install', 'starters', 'test.csv'), 'text,label\nhi,greeting\n');
  writeFileSync(join(base, 'install', 'starters', 'labels', 'a.txt'), 'a');
  mkdirSync(join(base, 'home', 'specs'), { recursive: true });
  writeFileSync(join(base, 'home', 'specs', 'own.csv'), 'x\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('held-out files for an evaluation container', () => {
  it('copies what lies outside the data folder into it, keeps what is inside, and removes the copies after', () => {
    const home = join(base, 'home');
    const staged = stageHeldOut(
      [
        join(base, 'install', 'starters', 'test.csv'),
        join(base, 'install', 'starters', 'labels'),
        join(home, 'specs', 'own.csv'),
      ],
      home,
      'eval_1',
    );
    expect(staged.paths).toEqual([
      join(home, 'staging', 'eval_1', 'test.csv'),
      join(home, 'staging', 'eval_1', 'labels'),
      join(home, 'specs', 'own.csv'),
    ]);
    expect(readFileSync(staged.paths[0]!, 'utf8')).toBe('text,label\nhi,greeting\n');
    expect(readFileSync(join(staged.paths[1]!, 'a.txt'), 'utf8')).toBe('a');
    staged.release();
    expect(existsSync(join(home, 'staging', 'eval_1'))).toBe(false);
    expect(existsSync(join(home, 'specs', 'own.csv'))).toBe(true);
  });
});
