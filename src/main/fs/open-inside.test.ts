// Opening paths inside a folder others write: plain files only, never through a link in any part,
// never waiting on a pipe, and writes that create what is missing without following anything.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InsideError, openFileInside, readTextInside, writeTextInside } from './open-inside';

let base: string;
let root: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'looplab-inside-'));
  root = join(base, 'root');
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'data', 'a.txt'), 'inside');
  writeFileSync(join(base, 'host.txt'), 'host');
  symlinkSync(join(base, 'host.txt'), join(root, 'out.txt'));
  symlinkSync('a.txt', join(root, 'data', 'alias.txt'));
  symlinkSync(base, join(root, 'up'));
  symlinkSync('data', join(root, 'data-link'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

/** The code of the InsideError a call throws. */
function codeOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof InsideError) return error.code;
    throw error;
  }
  return 'opened';
}

describe('opening inside a folder', () => {
  it('reads plain files, and refuses links, pipes, folders and paths that leave', () => {
    expect(readTextInside(root, 'data/a.txt')).toBe('inside');
    expect(
      Object.fromEntries(
        [
          'out.txt',
          'data/alias.txt',
          'up/host.txt',
          'data-link/a.txt',
          'pipe',
          'data',
          'missing',
          '../host.txt',
          '/etc/passwd',
          'data/./a.txt',
          'data/a.txt/x',
        ].map((path) => [path, codeOf(() => readTextInside(root, path))]),
      ),
    ).toEqual({
      'out.txt': 'ELOOP',
      'data/alias.txt': 'ELOOP',
      'up/host.txt': 'ELOOP',
      'data-link/a.txt': 'ELOOP',
      pipe: 'ENOTFILE',
      data: 'EISDIR',
      missing: 'ENOENT',
      '../host.txt': 'EINVAL',
      '/etc/passwd': 'EINVAL',
      'data/./a.txt': 'EINVAL',
      'data/a.txt/x': 'ENOTDIR',
    });
    expect(codeOf(() => readTextInside(join(base, 'gone'), 'a.txt'))).toBe('ENOENT');
  });

  it('writes plain files, making their folders, and never through a link or into a pipe', () => {
    writeTextInside(root, 'new/deep/b.txt', 'made');
    expect(readFileSync(join(root, 'new', 'deep', 'b.txt'), 'utf8')).toBe('made');
    writeTextInside(root, 'data/a.txt', 'x');
    expect(readFileSync(join(root, 'data', 'a.txt'), 'utf8')).toBe('x');
    expect(codeOf(() => writeTextInside(root, 'out.txt', 'changed'))).toBe('ELOOP');
    expect(codeOf(() => writeTextInside(root, 'up/new.txt', 'x'))).toBe('ELOOP');
    expect(codeOf(() => openFileInside(root, 'pipe', 'append'))).toBe('ENOTFILE');
    expect(readFileSync(join(base, 'host.txt'), 'utf8')).toBe('host');
  });
});
