// Jobs outlive the app. The app goes away without stopping a job's container (as a crash would: the
// job service and its log streams dropped, the store closed), a new app opens the same data folder and
// tidies up at start-up: a running job is watched again, its log continues with no line written twice
// and no metric recorded twice; a job that ended, or ran past its timeout, while the app was away is
// recorded then; and a job another live process watches is left to it.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, tidySandboxes, type App } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { jobContainerName, LABEL_JOB_HOME } from '../src/main/sandbox/jobs-spec';
import {
  CI_IMAGE,
  ciImagePresent,
  copyTrainer,
  expectedTraining,
  jobContainers,
  jobEvents,
  missingImageMessage,
  removeJobContainers,
  waitUntil,
} from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { withDockerHost } from './helpers/docker-host';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const docker = new Docker();
/** Where `docker` above connects: DOCKER_HOST's Unix socket, else the engine's default one. */
const ENGINE_SOCKET = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';
const present = ciImagePresent();
let home: TempHome;
const apps: App[] = [];
let runId: string;
let folder: string;

function openApp(): App {
  const app = createApp({ home: home.paths.root, ui: 'web' });
  apps.push(app);
  return app;
}

/** The app goes away and leaves its jobs running: nothing is stopped, nothing more is recorded. */
function crash(app: App): void {
  app.close();
}

async function startJob(app: App, command: string, timeoutSeconds = 300): Promise<string> {
  const started = await app.jobs.start({ runId, workspaceFolder: folder }, { command, gpu: false, timeoutSeconds });
  return started.jobId;
}

const metricCount = (app: App) => jobEvents(app.store, runId).filter((event) => event.type === 'job.metric').length;
const logPath = (jobId: string) => join(folder, `.looplab/jobs/${jobId}.log`);
const logText = (jobId: string) => (existsSync(logPath(jobId)) ? readFileSync(logPath(jobId), 'utf8') : '');

describe.skipIf(skipDocker || (!present && !dockerRequired))('jobs across a restart of the app', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  beforeEach(() => {
    home = makeTempHome('looplab-jobs-restart-');
    process.env.LOOPLAB_SANDBOX_IMAGE = CI_IMAGE;
    const app = openApp();
    runId = app.store.createRun({ goal: 'train through a restart', model: 'scripted/test', origin: 'new' }).runId;
    folder = workspaceDir(app, runId);
    copyTrainer(folder);
  });

  afterEach(async () => {
    const app = apps[apps.length - 1]!;
    await removeJobContainers(docker, app.sandbox.homeHash);
    for (const opened of apps.splice(0)) await opened.shutdown().catch(() => undefined);
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    home.remove();
  });

  it('watches a running job again: its log continues and no metric is recorded twice', async () => {
    const before = openApp();
    const jobId = await startJob(before, 'python3 train-digits.py --epochs 24 --delay 0.5');
    await waitUntil(() => metricCount(before) >= 3, 'three metrics before the crash');
    crash(before);
    // The job goes on printing while nobody watches.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const after = openApp();
    // Another live process watches it: this one leaves it alone.
    after.owners.claim(jobId, 1);
    expect(await after.jobs.reattach()).toEqual({ running: [], ended: [] });
    after.owners.release(jobId);

    // Picked up while it still runs (24 epochs of 0.5 s outlast the restart), not found ended.
    expect(await after.jobs.reattach()).toEqual({ running: [jobId], ended: [] });
    await tidySandboxes(after);
    await waitUntil(
      () => jobEvents(after.store, runId).some((event) => event.type === 'job.finished'),
      'the job to finish',
    );
    await after.jobs.settled(jobId);

    const { history, metrics } = expectedTraining(folder, jobId);
    expect(history).toHaveLength(24);
    const events = jobEvents(after.store, runId);
    expect(events.filter((event) => event.type === 'job.metric')).toEqual(metrics);
    expect(events.map((event) => event.type)).toEqual([
      'job.started',
      ...metrics.map(() => 'job.metric'),
      'artifact.recorded',
      'artifact.recorded',
      'job.finished',
    ]);
    expect(events.at(-1)).toEqual({ type: 'job.finished', payload: { jobId, status: 'succeeded', exitCode: 0 } });

    const lines = logText(jobId).trimEnd().split('\n');
    const stdout = lines.filter((line) => !line.startsWith('epoch ') && !line.startsWith('[looplab]'));
    expect(stdout).toEqual([
      'training on 1347 digits, testing on 450',
      '{"note": "not a metric", "epochs": "many"}',
      ...history.map((entry) => JSON.stringify(entry).replaceAll(',', ', ').replaceAll(':', ': ')),
      `{"test_accuracy": ${history[23]!.accuracy}}`,
    ]);
    expect(lines.filter((line) => line.startsWith('epoch '))).toEqual(
      history.map((entry) => `epoch ${entry.step} done`),
    );
    expect(lines.at(-1)).toMatch(/^\[looplab\] exit code 0 after \d+(\.\d)? s$/);
    expect(await jobContainers(docker, { [LABEL_JOB_HOME]: after.sandbox.homeHash })).toEqual([]);
  });

  it('records a job that ended while the app was away', async () => {
    const before = openApp();
    const jobId = await startJob(before, 'python3 train-digits.py --epochs 6');
    crash(before);
    await docker.getContainer(jobContainerName(before.sandbox.homeHash, jobId)).wait();

    const after = openApp();
    expect(await after.jobs.reattach()).toEqual({ running: [], ended: [jobId] });
    await after.jobs.settled(jobId);
    const { metrics } = expectedTraining(folder, jobId);
    expect(jobEvents(after.store, runId)).toEqual([
      {
        type: 'job.started',
        payload: { jobId, command: 'python3 train-digits.py --epochs 6', gpu: false, timeoutSeconds: 300 },
      },
      ...metrics,
      expect.objectContaining({
        type: 'artifact.recorded',
        payload: expect.objectContaining({ path: 'outputs/history.json' }),
      }),
      expect.objectContaining({
        type: 'artifact.recorded',
        payload: expect.objectContaining({ path: 'outputs/model.pkl' }),
      }),
      { type: 'job.finished', payload: { jobId, status: 'succeeded', exitCode: 0 } },
    ]);
    expect(await after.jobs.reattach()).toEqual({ running: [], ended: [] });
    expect(await jobContainers(docker, { [LABEL_JOB_HOME]: after.sandbox.homeHash })).toEqual([]);
  });

  it(
    'records such a job once Docker answers, when the app started before Docker did',
    { timeout: 60_000 },
    async () => {
      const before = openApp();
      const jobId = await startJob(before, 'echo done');
      crash(before);
      await docker.getContainer(jobContainerName(before.sandbox.homeHash, jobId)).wait();

      // The app starts while nothing answers at its Docker socket (the engine is still starting).
      const socket = join(home.paths.root, 'docker.sock');
      const after = withDockerHost(`unix://${socket}`, openApp);
      await expect(after.jobs.reattach()).rejects.toThrow(/Docker is not running/);
      expect(jobEvents(after.store, runId).some((event) => event.type === 'job.finished')).toBe(false);
      // Then Docker answers there: the job's end is recorded without another restart.
      const engine = await forwardSocket(socket, ENGINE_SOCKET);
      try {
        await waitUntil(
          () => jobEvents(after.store, runId).some((event) => event.type === 'job.finished'),
          'the job’s end to be recorded',
          30_000,
        );
        expect(jobEvents(after.store, runId).at(-1)).toEqual({
          type: 'job.finished',
          payload: { jobId, status: 'succeeded', exitCode: 0 },
        });
        await after.jobs.settled(jobId);
      } finally {
        await new Promise((resolve) => engine.close(resolve));
      }
    },
  );

  it('kills at the next start a job that ran past its timeout while the app was away', async () => {
    const before = openApp();
    const jobId = await startJob(before, 'echo started; sleep 120', 2);
    await waitUntil(() => logText(jobId).includes('started'), 'the first line');
    crash(before);
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const after = openApp();
    expect(await after.jobs.reattach()).toEqual({ running: [jobId], ended: [] });
    await after.jobs.settled(jobId);
    expect(jobEvents(after.store, runId).at(-1)).toEqual({
      type: 'job.finished',
      payload: { jobId, status: 'failed', exitCode: null },
    });
    expect(logText(jobId)).toBe('started\n[looplab] killed: the job ran past its timeout of 2 s\n');
    expect(await jobContainers(docker, { [LABEL_JOB_HOME]: after.sandbox.homeHash })).toEqual([]);
  });
});

/** A Unix socket at `path` whose connections go on to the one at `target`: Docker answering there. */
async function forwardSocket(path: string, target: string): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(target);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}
