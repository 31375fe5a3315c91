// A data folder on a full disk or a read-only mount, for real: a small tmpfs, filled, or remounted
// read-only. `looplab run` and the app must say which folder and what to do, `looplab` must exit with
// its data-folder status (8), and nothing saved before must be lost: once space is freed the run is
// intact and `looplab resume` finishes it. Mounting needs root (CI runs as root); where it cannot,
// the file skips, unless LOOPLAB_REQUIRE_MOUNT=1 makes that a failure.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api/handlers';
import { createApp } from '../../src/main/app';
import { ensureHome, type HomePaths } from '../../src/main/home';
import { openStore } from '../../src/main/store/open-store';
import type { PushTypes } from '../../src/shared/contract';
import { summarizeAll } from '../../src/shared/run-summary';
import { recordSampleRun } from '../fixtures/sample-run';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import type { Turn } from '../fakes/script';
import { runCli } from '../helpers/cli';
import { dockerRequired, requireDocker, skipDocker } from '../helpers/docker';

const MODEL = 'ollama/qwen2.5-coder:7b';
const CRASH_WRITER = join(import.meta.dirname, '..', 'fixtures', 'crash-writer.ts');

function mount(dir: string, options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'looplab-test', dir], { stdio: 'pipe' });
}

function canMount(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-mount-probe-'));
  try {
    mount(dir, 'size=1m');
    execFileSync('umount', [dir]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mountRequired = process.env.LOOPLAB_REQUIRE_MOUNT === '1';
const mountable = canMount();

let disk: string;
let paths: HomePaths;
let server: FakeServer | undefined;

beforeEach(() => {
  if (!mountable) throw new Error('LOOPLAB_REQUIRE_MOUNT=1, but a tmpfs cannot be mounted here (run as root).');
  disk = mkdtempSync(join(tmpdir(), 'looplab-disk-'));
  mount(disk, 'size=8m');
  paths = ensureHome(join(disk, 'home'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  if (disk === undefined) return;
  execFileSync('umount', [disk]);
  rmSync(disk, { recursive: true, force: true });
});

/** Fills the disk until only `leave` bytes are free; returns the file to delete to free it again. */
function fillDisk(leave: number): string {
  const filler = join(disk, `filler-${readdirSync(disk).length}`);
  const { bavail, bsize } = statfsSync(disk);
  writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - leave)));
  return filler;
}

async function fakeOllama(turns: Turn[]): Promise<NodeJS.ProcessEnv> {
  server = await startOllamaServer({ turns });
  return { OLLAMA_HOST: server.url, LOOPLAB_HOME: paths.root };
}

/** A reply whose tool call is larger than the space left: recording it fails. */
const hugeWrite: Turn = {
  toolCalls: [{ name: 'write', arguments: { path: 'big.csv', content: 'x,y\n'.repeat(500_000) } }],
  usage: { input: 900, output: 40 },
};
const smallWrite: Turn = {
  text: ['Saving the plan first.'],
  toolCalls: [{ name: 'write', arguments: { path: 'plan.txt', content: 'load, split, fit\n' } }],
  usage: { input: 800, output: 20 },
};

/** `runs` and `show` read the history as it was saved, and exit 0. */
async function expectHistoryReadable(env: NodeJS.ProcessEnv, runId: string, before: unknown[]): Promise<void> {
  const runs = await runCli(['runs', '--json'], { env });
  expect({ code: runs.code, stderr: runs.stderr }).toEqual({ code: 0, stderr: '' });
  expect((JSON.parse(runs.stdout) as { id: string }[]).map((run) => run.id)).toEqual([runId]);
  const shown = await runCli(['show', runId, '--json'], { env });
  expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: '' });
  expect((JSON.parse(shown.stdout) as { events: unknown[] }).events).toEqual(before);
}

function blobTempFiles(): string[] {
  return readdirSync(paths.blobs, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));
}

describe.skipIf(!mountable && !mountRequired)('a data folder that cannot be written', () => {
  it('looplab run on a full disk: says which folder and what to do, exits 8, keeps what was saved, resumes', async () => {
    const env = await fakeOllama([smallWrite, hugeWrite, { text: ['The plan is saved.'] }]);
    const filler = fillDisk(1024 * 1024);
    const result = await runCli(['run', '--model', MODEL, '--host-exec', '--approve', 'auto', 'Plan the work'], {
      env,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 8,
      stderr: expect.stringContaining(`The data folder ${paths.root} is out of disk space`),
    });
    expect(result.stderr).toContain('Free space on that disk, then resume the run');
    expect(blobTempFiles()).toEqual([]);

    rmSync(filler);
    const opened = openStore(paths);
    const [run] = opened.store.listRuns();
    const events = opened.store.loadEvents(run!.id);
    opened.close();
    expect(events.map((event) => event.type)).toEqual([
      'run.created',
      'run.status',
      'workspace.snapshot',
      ...['model.started', 'model.finished', 'tool.started', 'workspace.snapshot', 'tool.finished'],
      'model.started',
      'run.status',
    ]);
    expect(run).toMatchObject({ status: 'interrupted', steps: 1, toolCalls: 1 });
    expect(readFileSync(join(paths.workspaces, run!.id, 'plan.txt'), 'utf8')).toBe('load, split, fit\n');

    const resumed = await runCli(['resume', run!.id, '--approve', 'auto', '--json'], { env });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId: run!.id, status: 'finished' });
    const after = openStore(paths);
    expect(after.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(after.store.loadEvents(run!.id).slice(0, events.length - 1)).toEqual(events.slice(0, -1));
    expect(after.store.getRun(run!.id)).toEqual(summarizeAll(after.store.loadEvents(run!.id)));
    after.close();
  });

  it('the app on a full disk: refuses a new run saying why, and shows a live run interrupted with the reason', async () => {
    await fakeOllama([smallWrite, hugeWrite]);
    process.env.OLLAMA_HOST = server!.url;
    const app = createApp({ home: paths.root, ui: 'web' });
    const pushed: { status: string; reason: string | null }[] = [];
    app.pushes.subscribe((channel, payload) => {
      if (channel === 'run.updated') pushed.push((payload as PushTypes['run.updated']).run);
    });
    try {
      const filler = fillDisk(1024 * 1024);
      const started = await dispatch(app.handlers, 'runs.start', {
        goal: 'Plan the work',
        model: MODEL,
        runtime: 'host',
      });
      expect(started.ok).toBe(true);
      const runId = (started as { value: { id: string } }).value.id;
      expect(await app.runs.settled(runId)).toEqual({
        status: 'interrupted',
        reason: expect.stringContaining(`The data folder ${paths.root} is out of disk space`),
      });
      expect(pushed.at(-1)).toMatchObject({ status: 'interrupted', reason: expect.stringContaining('Free space') });

      const rest = fillDisk(0);
      // A pasted brief long enough to be kept as a blob needs new space on the disk.
      const brief = `Another run: ${'use the held-out split; '.repeat(1000)}`;
      const refused = await dispatch(app.handlers, 'runs.start', { goal: brief, model: MODEL, runtime: 'host' });
      expect(refused).toEqual({
        ok: false,
        error: {
          code: 'unavailable',
          message: expect.stringContaining(`The data folder ${paths.root} is out of disk space`),
          hint: expect.stringContaining('Free space on that disk'),
        },
      });
      rmSync(filler);
      rmSync(rest);
      expect(app.store.loadEvents(runId).map((event) => event.type)).toEqual([
        'run.created',
        'run.status',
        'workspace.snapshot',
        ...['model.started', 'model.finished', 'tool.started', 'workspace.snapshot', 'tool.finished'],
        'model.started',
      ]);
    } finally {
      await app.shutdown();
      delete process.env.OLLAMA_HOST;
    }
  });

  it.skipIf(skipDocker)(
    'a sandboxed run that fills the disk exits 8 and removes its container',
    async () => {
      if (dockerRequired) requireDocker();
      const env = await fakeOllama([
        {
          toolCalls: [{ name: 'bash', arguments: { command: 'head -c 400000 /dev/urandom > big.bin; ls -l big.bin' } }],
        },
        { toolCalls: [{ name: 'bash', arguments: { command: 'base64 big.bin' } }] },
        { text: ['Written.'] },
      ]);
      const filler = fillDisk(500 * 1024);
      const result = await runCli(['run', '--model', MODEL, '--approve', 'auto', 'Write the file'], { env });
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 8,
        stderr: expect.stringContaining(`The data folder ${paths.root} is out of disk space`),
      });
      const containers = execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.looplab.home=${paths.root}`], {
        encoding: 'utf8',
      });
      expect(containers.trim()).toBe('');
      rmSync(filler);
    },
    240_000,
  );

  it('a disk with 0 bytes free: history stays readable; run exits 8 naming the folder, with nothing to resume', async () => {
    const opened = openStore(paths);
    const runId = recordSampleRun(opened.store);
    const before = opened.store.loadEvents(runId);
    opened.close();
    const env = await fakeOllama([{ text: ['Done.'] }]);
    const filler = fillDisk(0);

    await expectHistoryReadable(env, runId, before);

    const result = await runCli(['run', '--model', MODEL, '--host-exec', 'Say hi'], { env });
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 8,
      stderr: expect.stringContaining(`The data folder ${paths.root} is out of disk space`),
    });
    expect(result.stderr).toContain('Free space on that disk, then try again');
    expect(result.stderr).not.toContain('resume');
    rmSync(filler);
  });

  it('a read-only data folder whose WAL still holds commits and has no -shm: runs and show read them all', async () => {
    const writer = spawn(process.execPath, ['--import', 'tsx', CRASH_WRITER, paths.root, '50'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const committed = await new Promise<number>((resolve) =>
      writer.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const seqs = [...output.matchAll(/committed (\d+)\n/g)];
        if (seqs.length >= 3) resolve(Number(seqs.at(-1)![1]));
      }),
    );
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('close', resolve));
    const runId = /run (\S+)/.exec(output)![1]!;
    expect(statSync(`${paths.database}-wal`).size).toBeGreaterThan(0);
    rmSync(`${paths.database}-shm`, { force: true });
    execFileSync('mount', ['-o', 'remount,ro', disk]);

    const shown = await runCli(['show', runId, '--json'], { env: { LOOPLAB_HOME: paths.root } });
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: '' });
    const events = (JSON.parse(shown.stdout) as { events: { seq: number }[] }).events;
    expect(events.length).toBeGreaterThanOrEqual(committed + 1);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    execFileSync('mount', ['-o', 'remount,rw', disk]);
  });

  it('a read-only data folder: looplab and the app say which folder and to make it writable; nothing is lost', async () => {
    const opened = openStore(paths);
    const runId = recordSampleRun(opened.store);
    const before = opened.store.loadEvents(runId);
    opened.close();
    execFileSync('mount', ['-o', 'remount,ro', disk]);

    const env = await fakeOllama([{ text: ['Done.'] }]);
    const result = await runCli(['run', '--model', MODEL, '--host-exec', 'Say hi'], { env });
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 8,
      stderr: expect.stringContaining(`The data folder ${paths.root} cannot be written`),
    });
    expect(result.stderr).toContain('Make the folder writable');
    expect(() => createApp({ home: paths.root, ui: 'web' })).toThrow(`The data folder ${paths.root} cannot be written`);
    // History stays readable: the reading commands open the database read-only.
    await expectHistoryReadable(env, runId, before);
    const exported = await runCli(['export', runId, '-o', join(tmpdir(), `${runId}.looplab.gz`)], { env });
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
    rmSync(join(tmpdir(), `${runId}.looplab.gz`), { force: true });
    // A command that writes says so, without a run to resume.
    const deleted = await runCli(['delete', runId, '--yes'], { env });
    expect({ code: deleted.code, stderr: deleted.stderr }).toEqual({
      code: 8,
      stderr: expect.stringContaining(`The data folder ${paths.root} cannot be written`),
    });
    expect(deleted.stderr).not.toContain('resume');
    const elsewhere = join(disk, 'new-home');
    expect(() => createApp({ home: elsewhere, ui: 'web' })).toThrow(elsewhere);
    expect(existsSync(elsewhere)).toBe(false);

    execFileSync('mount', ['-o', 'remount,rw', disk]);
    mkdirSync(paths.workspaces, { recursive: true });
    const reopened = openStore(paths);
    expect(reopened.store.loadEvents(runId)).toEqual(before);
    reopened.close();
  });
});
