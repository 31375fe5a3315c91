// A run's jobs sent to a real Slurm cluster (.ci/slurm.sh) through the app, as job_start sends them: the
// job is queued there with sbatch, its JSON metric lines come back as job.metric events while it runs, its
// outputs/ come back as artifacts, its time there is paid at the target's rate, a failing exit code is
// recorded failed with that code (sacct's), cancel scancels it, a restart of Looplab finds the job there
// again (even while Docker is down on this machine) without recording anything twice, and `looplab targets
// test` says what it found.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { jobContainerName } from '../src/main/sandbox/jobs-spec';
import { jobEvents, waitUntil } from './fixtures/train-jobs';
import { runCli } from './helpers/cli';
import { withDockerHost } from './helpers/docker-host';
import { cutSlurmLink, onLoginNode, restoreSlurmLink, skipSlurm, slurmTarget } from './helpers/slurm';
import { makeTempHome, type TempHome } from './helpers/temp-home';

describe.skipIf(skipSlurm)('jobs on a Slurm target', () => {
  const workdir = `~/.looplab/jobs-${randomBytes(4).toString('hex')}`;
  let home: TempHome;
  let app: App;
  let runId: string;
  let folder: string;
  const small = { cpus: 1, memoryMb: 256 };

  beforeAll(() => {
    const target = slurmTarget({ workdir, costPerHour: 36 });
    home = makeTempHome('looplab-slurm-jobs-');
    // The same cluster, as a target whose jobs may wait at most 10 s to start.
    const impatient = slurmTarget({ name: 'impatient', workdir, maxPendingSeconds: 10 });
    writeFileSync(home.paths.settings, JSON.stringify({ targets: [target, impatient] }));
    app = createApp({ home: home.paths.root, ui: 'web' });
    runId = app.store.createRun({ goal: 'train on the cluster', model: 'scripted/test', origin: 'new' }).runId;
    folder = workspaceDir(app, runId);
    writeFileSync(join(folder, 'data.txt'), 'three\nlines\nhere\n');
  });

  afterAll(async () => {
    restoreSlurmLink(); // where a failed assertion left the link cut
    await app?.shutdown().catch(() => undefined);
    onLoginNode(slurmTarget(), `scancel -u "$(id -un)"; rm -rf ${workdir}`);
    home?.remove();
  });

  const events = () => jobEvents(app.store, runId);
  const finished = (jobId: string) =>
    events().find((event) => event.type === 'job.finished' && event.payload.jobId === jobId);
  const metrics = (jobId: string) =>
    events().flatMap((event) =>
      event.type === 'job.metric' && event.payload.jobId === jobId ? [event.payload.values.loss] : [],
    );

  /** Starts a job of the run on the cluster (or `target`), small, as job_start does; its id. */
  const startThere = async (command: string, { target = 'cluster', timeoutSeconds = 300 } = {}) => {
    const request = { command, gpu: false, target, timeoutSeconds, resources: small };
    return (await app.jobs.start({ runId, workspaceFolder: folder }, request)).jobId;
  };

  it('says what `looplab targets test` shows of the cluster', async () => {
    const result = await runCli(['--home', home.paths.root, 'targets', 'test', 'cluster', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ name: 'cluster', kind: 'slurm', reachable: true, gpus: false, gpuInventory: [] }),
    ]);
  });

  it('queues a job, streams its metrics while it runs and brings its outputs home', { timeout: 90_000 }, async () => {
    const command = [
      'wc -l < data.txt > outputs/lines.txt',
      'echo \'{"step": 1, "loss": 0.5}\'',
      'while [ ! -f go ]; do sleep 0.2; done',
      'echo \'{"step": 2, "loss": 0.25}\'',
    ].join('; ');
    const jobId = await startThere(command);
    expect(events().find((event) => event.type === 'job.started')?.payload).toMatchObject({ jobId, target: 'cluster' });
    // The job waits for a file written only once its first metric is recorded: it came while the job ran.
    await waitUntil(() => metrics(jobId).length === 1, 'the first metric', 60_000);
    const remote = `${workdir}/${jobContainerName(app.sandbox.homeHash, jobId)}`;
    onLoginNode(slurmTarget(), `touch ${remote}/workspace/go`);
    await waitUntil(() => finished(jobId) !== undefined, 'the job to end', 60_000);
    expect(finished(jobId)?.payload).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(metrics(jobId)).toEqual([0.5, 0.25]);
    const log = readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8');
    expect(log).toMatch(/submitted to Slurm as job \d+ on its default partition of cluster/);
    expect(readFileSync(join(folder, 'outputs/lines.txt'), 'utf8').trim()).toBe('3');
    expect(events().some((e) => e.type === 'artifact.recorded' && e.payload.path === 'outputs/lines.txt')).toBe(true);
    expect((finished(jobId)?.payload as { cost?: number }).cost).toBeGreaterThan(0);
    // Once its end is recorded, its folder on the cluster is gone.
    await app.jobs.settled(jobId);
    expect(onLoginNode(slurmTarget(), `[ -e ${remote} ] && echo there || echo gone`).trim()).toBe('gone');
  });

  it('records a failing exit code as sacct has it', { timeout: 60_000 }, async () => {
    const jobId = await startThere('echo trying; rm -rf outputs; exit 3');
    await waitUntil(() => finished(jobId) !== undefined, 'the failing job to end', 50_000);
    expect(finished(jobId)?.payload).toMatchObject({ status: 'failed', exitCode: 3 });
    await app.jobs.settled(jobId);
    // It removed its outputs/: nothing to bring back, and nothing said about it.
    expect(readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8')).not.toContain('could not be brought back');
  });

  it('cancels a job there with scancel', { timeout: 60_000 }, async () => {
    const jobId = await startThere('echo waiting; sleep 600', { timeoutSeconds: 900 });
    const name = jobContainerName(app.sandbox.homeHash, jobId);
    const status = await app.jobs.cancel(runId, jobId);
    expect(status.state).toBe('cancelled');
    await app.jobs.settled(jobId);
    expect(onLoginNode(slurmTarget(), `squeue -h --name=${name} -o %T`).trim()).toBe('');
    expect(existsSync(join(folder, `.looplab/jobs/${jobId}.log`))).toBe(true);
  });

  it(
    "cancels a job that waits to start past maxPendingSeconds, with squeue's reason",
    { timeout: 90_000 },
    async () => {
      // Another job holds every CPU of the one node, so this one waits for resources.
      const blocker = onLoginNode(slurmTarget(), `sbatch --parsable -c "$(nproc)" --wrap 'sleep 120'`).trim();
      try {
        const jobId = await startThere('echo never', { target: 'impatient' });
        await waitUntil(() => finished(jobId) !== undefined, 'the waiting job to be given up', 60_000);
        expect(finished(jobId)?.payload).toMatchObject({ status: 'failed', exitCode: null });
        const log = readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8');
        expect(log).toContain(
          'it waited over 10 s to start on impatient, so it was cancelled: the cluster had no room',
        );
        expect(log).toContain("squeue's reason: Resources");
        await app.jobs.settled(jobId);
        const name = jobContainerName(app.sandbox.homeHash, jobId);
        expect(onLoginNode(slurmTarget(), `squeue -h --name=${name} -o %T`).trim()).toBe('');
      } finally {
        onLoginNode(slurmTarget(), `scancel ${blocker}`);
      }
    },
  );

  it(
    'loses no line and repeats none when the link to the login node is cut mid-job',
    { timeout: 150_000 },
    async () => {
      const command = 'for i in $(seq 1 30); do echo "{\\"step\\": $i, \\"loss\\": $i}"; sleep 1; done';
      const jobId = await startThere(command);
      await waitUntil(() => metrics(jobId).length >= 3, 'three lines before the cut', 60_000);
      cutSlurmLink();
      try {
        // Long enough for the watcher to give the link up (no answer for 20 s) and look for the job again.
        await new Promise((resolve) => setTimeout(resolve, 30_000));
      } finally {
        restoreSlurmLink();
      }
      await waitUntil(() => finished(jobId) !== undefined, 'the job to end after the cut', 100_000);
      expect(finished(jobId)?.payload).toMatchObject({ status: 'succeeded', exitCode: 0 });
      const steps = Array.from({ length: 30 }, (_, index) => index + 1);
      expect(metrics(jobId)).toEqual(steps);
      const log = readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8');
      expect(log.split('\n').filter((line) => line.startsWith('{'))).toEqual(
        steps.map((step) => `{"step": ${step}, "loss": ${step}}`),
      );
    },
  );

  it(
    'follows a job again after Looplab restarts, with Docker down here too, recording no line or metric twice',
    { timeout: 90_000 },
    async () => {
      const command = [
        'echo \'{"step": 1, "loss": 0.5}\'',
        'while [ ! -f more ]; do sleep 0.2; done',
        'echo \'{"step": 2, "loss": 0.25}\'',
        'while [ ! -f go ]; do sleep 0.2; done',
        'echo \'{"step": 3, "loss": 0.125}\'',
      ].join('; ');
      const jobId = await startThere(command);
      await waitUntil(() => metrics(jobId).length === 1, 'the first metric', 60_000);
      const remote = `${workdir}/${jobContainerName(app.sandbox.homeHash, jobId)}/workspace`;
      // The app goes away and leaves its job running there. A new one, started while Docker is down here,
      // says Docker is not running and still follows the job on the cluster.
      app.close();
      app = withDockerHost('unix:///nonexistent/docker.sock', () => createApp({ home: home.paths.root, ui: 'web' }));
      await expect(app.jobs.reattach()).rejects.toThrow(/Docker is not running/);
      onLoginNode(slurmTarget(), `touch ${remote}/more`);
      await waitUntil(() => metrics(jobId).length === 2, 'the second metric', 60_000);
      // Once more, with Docker answering.
      app.close();
      app = createApp({ home: home.paths.root, ui: 'web' });
      expect(await app.jobs.reattach()).toEqual({ running: [jobId], ended: [] });
      onLoginNode(slurmTarget(), `touch ${remote}/go`);
      await waitUntil(() => finished(jobId) !== undefined, 'the job to end', 60_000);
      expect(finished(jobId)?.payload).toMatchObject({ status: 'succeeded', exitCode: 0 });
      expect(metrics(jobId)).toEqual([0.5, 0.25, 0.125]);
      const log = readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8');
      expect(log.split('\n').filter((line) => line.startsWith('{'))).toEqual([
        '{"step": 1, "loss": 0.5}',
        '{"step": 2, "loss": 0.25}',
        '{"step": 3, "loss": 0.125}',
      ]);
    },
  );
});
