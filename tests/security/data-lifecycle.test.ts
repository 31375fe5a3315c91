// Keeping a data folder bounded, through the real `looplab` command as a person would: delete runs
// (asking first, refusing live ones), and collect the blobs no remaining run refers to.
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api/handlers';
import { createApp } from '../../src/main/app';
import { openStore } from '../../src/main/store/open-store';
import { ageBlobs, blobFiles, recordBlobRun, referencedBy } from '../fixtures/blob-runs';
import { runCli } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let home: TempHome;
beforeEach(() => (home = makeTempHome('looplab-lifecycle-')));
afterEach(() => home.remove());

async function twoRuns(): Promise<{ a: string; b: string }> {
  const opened = openStore(home.paths);
  try {
    const a = await recordBlobRun(opened, home.paths, 'a');
    const b = await recordBlobRun(opened, home.paths, 'b');
    return { a, b };
  } finally {
    opened.close();
  }
}

function cli(args: string[]) {
  return runCli(['--home', home.paths.root, ...args]);
}

describe('looplab delete and gc', () => {
  it('deletes a run with its events, workspace, jobs’ files and snapshots, and frees only its blobs', async () => {
    const { a, b } = await twoRuns();
    ageBlobs(home.paths);
    let opened = openStore(home.paths);
    const ofA = referencedBy(opened, a);
    const ofB = referencedBy(opened, b);
    const eventsOfB = opened.store.loadEvents(b);
    opened.close();
    const onlyA = ofA.filter((hash) => !ofB.includes(hash));
    expect(onlyA.length).toBeGreaterThanOrEqual(3); // its output, its manifest, its data.csv

    const asked = await cli(['delete', a]);
    expect({ code: asked.code, stderr: asked.stderr }).toEqual({
      code: 2,
      stderr: expect.stringContaining('Pass --yes to delete without asking'),
    });

    const result = await cli(['delete', a, '--yes']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      new RegExp(`^Deleted ${a}\\nFreed [\\d.]+ [KMG]?B in ${onlyA.length} blob\\(s\\)\\.\\n$`),
    );
    expect(existsSync(join(home.paths.workspaces, a))).toBe(false);
    expect(existsSync(join(home.paths.workspaces, b, '.looplab', 'jobs', 'job_1.log'))).toBe(true);
    expect(blobFiles(home.paths)).toEqual(ofB);

    opened = openStore(home.paths);
    expect(opened.store.listRuns().map((run) => run.id)).toEqual([b]);
    expect(opened.store.loadEvents(a)).toEqual([]);
    expect(opened.store.search('own output').map((hit) => hit.runId)).toEqual([b]);
    expect(opened.store.loadEvents(b)).toEqual(eventsOfB);
    expect(opened.db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(
      ofB.filter((hash) => opened.db.prepare('SELECT 1 FROM blobs WHERE hash = ?').get(hash) !== undefined).length,
    );
    opened.close();
    const shown = await cli(['show', b]);
    expect(shown.code).toBe(0);
  }, 180_000);

  it('refuses a live run and an unknown one, naming them, and deletes nothing', async () => {
    const { a, b } = await twoRuns();
    const opened = openStore(home.paths);
    // This process drives the new run: its lease is live.
    const live = opened.store.createRun({ goal: 'still going', model: 'scripted/test', origin: 'new' }).runId;
    opened.close();
    const refused = await cli(['delete', a, live, '--yes']);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 1,
      stderr: expect.stringContaining(`Run ${live} is live: process ${process.pid} is recording it.`),
    });
    expect(refused.stderr).toContain('Stop the run first');
    const unknown = await cli(['delete', 'run_0000000000000000000', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No run run_0000000000000000000');
    const runs = await cli(['runs', '--json']);
    expect((JSON.parse(runs.stdout) as { id: string }[]).map((run) => run.id).sort()).toEqual([a, b, live].sort());
    expect(existsSync(join(home.paths.workspaces, a))).toBe(true);
  }, 180_000);

  it('gc --dry-run says what it would free and frees nothing; gc frees unreferenced blobs and keeps recent ones', async () => {
    const { b } = await twoRuns();
    ageBlobs(home.paths);
    const before = blobFiles(home.paths);
    const stray = 'f'.repeat(64);
    const recent = 'e'.repeat(64);
    for (const hash of [stray, recent]) {
      mkdirSync(join(home.paths.blobs, hash.slice(0, 2)), { recursive: true });
      writeFileSync(join(home.paths.blobs, hash.slice(0, 2), hash), 'x'.repeat(10_000));
    }
    const past = new Date(Date.now() - 60 * 60 * 1000);
    utimesSync(join(home.paths.blobs, 'ff', stray), past, past);
    mkdirSync(join(home.paths.workspaces, 'run_0000000000gone0000'));

    const dry = await cli(['gc', '--dry-run']);
    expect({ code: dry.code, stdout: dry.stdout }).toEqual({
      code: 0,
      stdout:
        'Would free 9.8 KB in 1 blob(s) and 1 workspace folder(s) of deleted runs; kept 1 unreferenced file(s) that a live or recent run may still record.\n',
    });
    expect(blobFiles(home.paths)).toEqual([...before, recent, stray].sort());

    const gc = await cli(['gc']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toMatch(/^Freed 9\.8 KB in 1 blob\(s\) and 1 workspace folder\(s\)/);
    expect(blobFiles(home.paths)).toEqual([...before, recent].sort());
    expect(existsSync(join(home.paths.workspaces, 'run_0000000000gone0000'))).toBe(false);
    expect((await cli(['show', b])).code).toBe(0);
  }, 180_000);
});

describe('runs by size, and delete through the app', () => {
  it('looplab runs --sort size lists the largest first with sizes; --json gives sizeBytes', async () => {
    const opened = openStore(home.paths);
    const small = opened.store.createRun({ goal: 'small', model: 'scripted/test', origin: 'new' }).runId;
    opened.store.append(small, [{ type: 'run.status', payload: { status: 'finished' } }]);
    opened.close();
    const { a, b } = await twoRuns();
    writeFileSync(join(home.paths.workspaces, b, 'model.bin'), Buffer.alloc(300_000));
    const listed = await cli(['runs', '--sort', 'size', '--json']);
    expect(listed.code).toBe(0);
    const runs = JSON.parse(listed.stdout) as { id: string; sizeBytes: number }[];
    expect(runs.map((run) => run.id)).toEqual([b, a, small]);
    expect(runs[0]!.sizeBytes).toBeGreaterThan(runs[1]!.sizeBytes + 300_000 - 1);
    const text = await cli(['runs', '--sort', 'size']);
    expect(text.stdout.split('\n')[0]).toContain('SIZE');
  }, 180_000);

  it('runs.delete validates its input, refuses a live run, and deletes through the same path', async () => {
    const { a } = await twoRuns();
    const app = createApp({ home: home.paths.root, ui: 'web' });
    try {
      expect(await dispatch(app.handlers, 'runs.delete', { runIds: 'run_x' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringContaining('runIds') },
      });
      const live = app.store.createRun({ goal: 'live', model: 'scripted/test', origin: 'new' }).runId;
      expect(await dispatch(app.handlers, 'runs.delete', { runIds: [live] })).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: expect.stringContaining(`Run ${live} is live`) },
      });
      // A stopped run whose job goes on in its container, leased to this (live) process.
      const withJob = app.store.createRun({ goal: 'job', model: 'scripted/test', origin: 'new' }).runId;
      app.store.append(withJob, [
        { type: 'job.started', payload: { jobId: 'job_train1', command: 'python3 train.py', gpu: false } },
        { type: 'run.status', payload: { status: 'stopped' } },
      ]);
      app.owners.release(withJob);
      app.owners.claim('job_train1');
      expect(await dispatch(app.handlers, 'runs.delete', { runIds: [withJob] })).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: `Run ${withJob} has a job still running (job_train1).` },
      });
      app.owners.release('job_train1');
      app.owners.release(live);
      expect(await dispatch(app.handlers, 'runs.delete', { runIds: [withJob] })).toMatchObject({ ok: true });
      const deleted = await dispatch(app.handlers, 'runs.delete', { runIds: [a] });
      expect(deleted).toMatchObject({ ok: true, value: { deleted: [a] } });
      expect(app.store.getRun(a)).toBeUndefined();
      const usage = await dispatch(app.handlers, 'storage.usage', {});
      const runs = (usage as { value: { runs: { id: string; bytes: number }[] } }).value.runs;
      expect(runs.map((run) => run.id).sort()).toEqual(
        app.store
          .listRuns()
          .map((run) => run.id)
          .sort(),
      );
      expect(runs[0]!.bytes).toBeGreaterThanOrEqual(runs[1]!.bytes);
    } finally {
      app.close();
    }
  });
});
