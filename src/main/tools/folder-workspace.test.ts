import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderWorkspace } from './folder-workspace';

let base: string;
let workspace: FolderWorkspace;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'looplab-ws-'));
  mkdirSync(join(base, 'ws'));
  writeFileSync(join(base, 'secret.txt'), 'host secret');
  symlinkSync(join(base, 'secret.txt'), join(base, 'ws', 'link.txt'));
  symlinkSync(base, join(base, 'ws', 'up'));
  workspace = new FolderWorkspace(join(base, 'ws'));
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('folder workspace', () => {
  it('reads and writes inside, accepting /workspace/ paths', async () => {
    await workspace.writeFile('/workspace/data/a.txt', 'hello');
    expect(await workspace.readFile('data/a.txt')).toBe('hello');
  });

  it.each([
    ['../secret.txt', '../secret.txt is outside the workspace.'],
    ['/etc/passwd', '/etc/passwd is outside the workspace: use a path relative to it.'],
    ['link.txt', 'link.txt leads outside the workspace through a symbolic link.'],
    ['up/secret.txt', 'up/secret.txt leads outside the workspace through a symbolic link.'],
    ['missing.txt', 'missing.txt does not exist.'],
  ])('refuses to read %s', async (path, message) => {
    await expect(workspace.readFile(path)).rejects.toThrow(message);
  });

  it('refuses to write through links or outside', async () => {
    await expect(workspace.writeFile('up/new.txt', 'x')).rejects.toThrow('leads outside the workspace');
    await expect(workspace.writeFile('../new.txt', 'x')).rejects.toThrow('is outside the workspace');
  });

  it('follows no link at all, even one that stays inside, and reads no pipe', async () => {
    writeFileSync(join(base, 'ws', 'real.txt'), 'inside');
    symlinkSync('real.txt', join(base, 'ws', 'alias.txt'));
    mkdirSync(join(base, 'ws', 'data'));
    symlinkSync('data', join(base, 'ws', 'data-link'));
    execFileSync('mkfifo', [join(base, 'ws', 'pipe')]);
    await expect(workspace.readFile('alias.txt')).rejects.toThrow(
      'alias.txt goes through a symbolic link, which Looplab does not follow inside a workspace.',
    );
    await expect(workspace.writeFile('alias.txt', 'x')).rejects.toThrow('alias.txt goes through a symbolic link');
    await expect(workspace.writeFile('data-link/new.txt', 'x')).rejects.toThrow(
      'data-link/new.txt goes through a symbolic link',
    );
    await expect(workspace.readFile('pipe')).rejects.toThrow('pipe is not a plain file (a pipe, socket or device).');
    await expect(workspace.writeFile('pipe', 'x')).rejects.toThrow('pipe is not a plain file');
    expect(readFileSync(join(base, 'ws', 'real.txt'), 'utf8')).toBe('inside');
  });

  it('runs no command on the host unless the run allows it', async () => {
    const signal = new AbortController().signal;
    await expect(workspace.exec('echo hi', { timeoutMs: 1000, signal })).rejects.toThrow(
      /Commands run in the Docker sandbox/,
    );
    const host = new FolderWorkspace(join(base, 'ws'), { hostExec: true });
    expect(await host.exec('echo hi; exit 3', { timeoutMs: 5000, signal })).toEqual({
      exitCode: 3,
      output: 'hi\n',
      timedOut: false,
    });
    const slow = await host.exec('sleep 5 & sleep 5; echo never', { timeoutMs: 200, signal });
    expect(slow).toMatchObject({ timedOut: true, output: '' });
  });

  it('says so when this machine has no bash, instead of crashing the app', async () => {
    const host = new FolderWorkspace(join(base, 'ws'), { hostExec: true });
    const path = process.env.PATH;
    process.env.PATH = join(base, 'no-such-bin');
    try {
      expect(await host.exec('echo hi', { timeoutMs: 5000, signal: new AbortController().signal })).toEqual({
        exitCode: null,
        output:
          'This machine could not start bash (spawn bash ENOENT). Commands on this machine need bash on PATH; use the Docker sandbox instead, or install bash (Git Bash on Windows).\n',
        timedOut: false,
      });
    } finally {
      process.env.PATH = path;
    }
  });
});
