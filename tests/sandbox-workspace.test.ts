// The workspace tools (read, write, edit, bash) in a real Docker sandbox: what the model reads back,
// including every refusal, and that the run's files land in its folder on the host.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolContext, ToolDefinition } from '../src/main/core/tool';
import { BASE_IMAGE } from '../src/main/sandbox/container-spec';
import type { DockerWorkspace } from '../src/main/sandbox/docker-workspace';
import { SandboxManager } from '../src/main/sandbox/sandbox-manager';
import { bashTool } from '../src/main/tools/bash';
import { editTool } from '../src/main/tools/edit';
import { readTool } from '../src/main/tools/read';
import { writeTool } from '../src/main/tools/write';
import { requireDocker, skipDocker } from './helpers/docker';

let base: string;
let folder: string;
let manager: SandboxManager;
let workspace: DockerWorkspace;

function context(progress: (chunk: string) => void = () => undefined, signal = new AbortController().signal) {
  const ctx: ToolContext = {
    runId: 'run_tools',
    callId: 'call_1',
    signal,
    workspace,
    progress,
    record: () => [],
    setPlan: () => undefined,
  };
  return ctx;
}

/** What the model sees from one tool call: its output, or the message of the error it threw. */
async function call(tool: ToolDefinition, input: unknown, ctx = context()): Promise<string> {
  try {
    return (await tool.run(input, ctx)).output;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const run = (command: string, timeout?: number) => call(bashTool, { command, timeout });

describe.skipIf(skipDocker)('sandbox workspace tools', () => {
  beforeAll(async () => {
    requireDocker();
    base = mkdtempSync(join(tmpdir(), 'looplab-sandbox-tools-'));
    folder = join(base, 'workspace');
    writeFileSync(join(base, 'secret.txt'), 'host secret');
    manager = new SandboxManager({ home: join(base, 'home'), image: BASE_IMAGE });
    workspace = manager.workspace('run_tools', { workspaceFolder: folder });
    expect(await run('echo ready')).toBe('ready\n[exit code 0]');
    symlinkSync(join(base, 'secret.txt'), join(folder, 'host-link.txt'));
    symlinkSync('/etc', join(folder, 'etc'));
  });

  afterAll(async () => {
    await manager?.release('run_tools');
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('writes, reads and edits a file, which lands in the run folder on the host', async () => {
    expect(await call(writeTool, { path: 'src/train.py', content: 'lr = 0.1\nepochs = 3\nlr_min = 0.1\n' })).toBe(
      'Wrote src/train.py (33 bytes, 4 lines).',
    );
    expect(await call(readTool, { path: '/workspace/src/train.py' })).toBe(
      '     1  lr = 0.1\n     2  epochs = 3\n     3  lr_min = 0.1\n     4  ',
    );
    expect(await call(editTool, { path: 'src/train.py', old_str: 'epochs = 3', new_str: 'epochs = 5' })).toBe(
      'Edited src/train.py: replaced 1 occurrence.',
    );
    expect(await call(editTool, { path: 'src/train.py', old_str: '0.1', new_str: '0.2' })).toBe(
      'error: old_str appears 2 times in src/train.py. Add surrounding lines to make it unique, or set replace_all.',
    );
    expect(await call(editTool, { path: 'src/train.py', old_str: 'batch', new_str: 'x' })).toMatch(
      /^error: old_str was not found in src\/train.py/,
    );
    expect(await call(editTool, { path: 'src/train.py', old_str: '0.1', new_str: '0.2', replace_all: true })).toBe(
      'Edited src/train.py: replaced 2 occurrences.',
    );
    expect(readFileSync(join(folder, 'src/train.py'), 'utf8')).toBe('lr = 0.2\nepochs = 5\nlr_min = 0.2\n');
    expect(await run('cat src/train.py | wc -l; stat -c %u src/train.py')).toBe(
      `3\n${process.getuid?.() === 0 ? 1000 : process.getuid?.()}\n[exit code 0]`,
    );
  });

  it('keeps non-ASCII text intact both ways', async () => {
    await call(writeTool, { path: 'notes.md', content: 'café — 数据 ✓\n' });
    expect(await run('cat notes.md')).toBe('café — 数据 ✓\n[exit code 0]');
    expect(await workspace.readFile('notes.md')).toBe('café — 数据 ✓\n');
  });

  it.each([
    ['missing.txt', 'error: missing.txt does not exist.'],
    ['../secret.txt', 'error: ../secret.txt is outside the workspace.'],
    ['/etc/passwd', 'error: /etc/passwd is outside the workspace: use a path relative to it.'],
    ['/workspace/../etc/passwd', 'error: /workspace/../etc/passwd is outside the workspace.'],
    ['host-link.txt', 'error: host-link.txt leads outside the workspace through a symbolic link.'],
    ['etc/passwd', 'error: etc/passwd leads outside the workspace through a symbolic link.'],
    ['src', 'error: src is a folder, not a file.'],
  ])('refuses to read %s', async (path, message) => {
    expect(await call(readTool, { path })).toBe(message);
  });

  it('refuses links made inside the sandbox, writes through links and special files', async () => {
    expect(await run('ln -s / root && ln -s /etc/shadow shadow && mkfifo pipe && echo made')).toBe(
      'made\n[exit code 0]',
    );
    expect(await call(readTool, { path: 'root/etc/hostname' })).toBe(
      'error: root/etc/hostname leads outside the workspace through a symbolic link.',
    );
    expect(await call(writeTool, { path: 'shadow', content: 'x' })).toBe(
      'error: shadow leads outside the workspace through a symbolic link.',
    );
    expect(await call(writeTool, { path: 'etc/cron.d/evil', content: 'x' })).toBe(
      'error: etc/cron.d/evil leads outside the workspace through a symbolic link.',
    );
    expect(await call(writeTool, { path: '../escape.txt', content: 'x' })).toBe(
      'error: ../escape.txt is outside the workspace.',
    );
    expect(await call(readTool, { path: 'pipe' })).toBe(
      'error: pipe is not a regular file (it is a pipe, socket or device).',
    );
    expect(await run('ls /workspace/../escape.txt 2>&1; echo ok')).toMatch(/No such file or directory\nok\n/);
  });

  it('refuses to read a file too large to hold, and points to bash', async () => {
    await run('head -c 40000000 /dev/zero > big.bin');
    expect(await call(readTool, { path: 'big.bin' })).toBe(
      'error: big.bin is 38.1 MiB, too large to read whole (the limit is 32.0 MiB): look at parts of it with bash (head, tail, grep, sed -n).',
    );
  });

  it('runs commands in /workspace with exit codes, streaming output as it comes', async () => {
    expect(await run('pwd; echo oops >&2; exit 3')).toBe('/workspace\noops\n[exit code 3]');
    const chunks: string[] = [];
    const output = await call(
      bashTool,
      { command: 'for i in 1 2 3; do echo line $i; sleep 0.3; done' },
      context((chunk) => chunks.push(chunk)),
    );
    expect(output).toBe('line 1\nline 2\nline 3\n[exit code 0]');
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(await run('read line; echo "stdin gave ${#line} bytes"')).toBe('stdin gave 0 bytes\n[exit code 0]');
  });

  it('answers several calls at once: a quick read does not wait for a slow command', async () => {
    const order: string[] = [];
    const slow = run('sleep 1.5; echo slow').then((output) => order.push(output));
    const quick = call(readTool, { path: 'notes.md' }).then((output) => order.push(output));
    const echo = run('echo quick').then((output) => order.push(output));
    await Promise.all([slow, quick, echo]);
    expect(order.at(-1)).toBe('slow\n[exit code 0]');
    expect(order.slice(0, 2).sort()).toEqual(['     1  café — 数据 ✓\n     2  ', 'quick\n[exit code 0]']);
  });

  it('stops a command when the run is cancelled', async () => {
    // Cancelled once it has printed; unstopped, it would outlast the test's own timeout.
    const controller = new AbortController();
    const pending = workspace.exec('echo started; sleep 600', {
      timeoutMs: 900_000,
      signal: controller.signal,
      onOutput: (chunk) => {
        if (chunk.includes('started')) controller.abort();
      },
    });
    expect(await pending).toEqual({ exitCode: null, output: 'started\n', timedOut: false });
    expect(await run('echo ok')).toBe('ok\n[exit code 0]');
  });

  it('keeps the head and tail of an output flood and still streams all of it', async () => {
    let streamed = 0;
    const output = await call(
      bashTool,
      { command: 'echo FIRST; head -c 30000000 /dev/zero | tr "\\0" x; echo; echo LAST' },
      context((chunk) => (streamed += chunk.length)),
    );
    expect(streamed).toBeGreaterThan(30_000_000);
    expect(output.length).toBeLessThan(10_600_000);
    expect(output.startsWith('FIRST\nxxx')).toBe(true);
    expect(output).toMatch(/\n\[… [\d,]+ characters omitted: the first and last 5 MB are kept …\]\n/);
    expect(output.endsWith('xxx\nLAST\n[exit code 0]')).toBe(true);
    expect(await run('echo ok')).toBe('ok\n[exit code 0]');
  });
});
