// The remote Docker engine that remote-target jobs run on, reached the way Looplab reaches it: dockerode
// over SSH with a key and a known host key, running `docker system dial-stdio` on the other side. What a
// person would see: the engine answers, runs the sandbox image without network, stops answering while
// the link is cut and answers again once it is back, and says why it refuses a stranger's key or host.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { LABEL_JOB, LABEL_JOB_HOME } from '../src/main/sandbox/jobs-spec';
import { jobContainers, jobEvents, waitUntil } from './fixtures/train-jobs';
import { runCli } from './helpers/cli';
import { dockerAvailable } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';
import {
  REMOTE_IMAGE,
  type RemoteDockerConfig,
  cutLink,
  remoteEngine,
  requireRemote,
  onRemote,
  restartRemote,
  restoreLink,
  skipRemote,
} from './helpers/remote-docker';

let config: RemoteDockerConfig;
let remote: Docker;
let scratch: string;
let stranger: string;

/** The error a promise rejects with, or a failure naming what it resolved to. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error as Error,
  );
}

/** An ed25519 key pair the remote has never seen: the private key's file (the public one beside it, .pub). */
function strangerKey(): string {
  const file = join(scratch, 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'pipe' });
  return file;
}

describe.skipIf(skipRemote)('a remote Docker engine over SSH', () => {
  beforeAll(() => {
    config = requireRemote();
    remote = remoteEngine(config);
    scratch = mkdtempSync(join(tmpdir(), 'looplab-remote-'));
    stranger = strangerKey();
  });
  afterAll(() => {
    if (!scratch) return;
    restoreLink(); // where a failed assertion left the link cut
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers through docker system dial-stdio on the remote host', async () => {
    const version = await remote.version();
    expect(version.ApiVersion).toMatch(/^1\.\d+$/);
    expect(version.Os).toBe('linux');
  });

  it.skipIf(!dockerAvailable)('is a different engine from the local one', async () => {
    const [there, here] = await Promise.all([remote.info(), new Docker().info()]);
    expect(there.ID).not.toBe(here.ID);
    expect(there.DockerRootDir).not.toBe(here.DockerRootDir);
  });

  it('runs the sandbox image there without network and gives back its output', async () => {
    expect((await remote.getImage(REMOTE_IMAGE).inspect()).RepoTags).toContain(REMOTE_IMAGE);
    const script = [
      'import socket',
      'print("hello from the remote engine")',
      'try:',
      '    socket.create_connection(("10.201.0.1", 22), timeout=2)',
      'except OSError as e:',
      '    print("network:", e.strerror)',
    ].join('\n');
    const container = await remote.createContainer({
      Image: REMOTE_IMAGE,
      Cmd: ['python3', '-c', script],
      Tty: true,
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      await container.start();
      expect((await container.wait()) as { StatusCode: number }).toMatchObject({ StatusCode: 0 });
      const output = (await container.logs({ stdout: true, stderr: true })).toString();
      expect(output.split(/\r?\n/).filter(Boolean)).toEqual([
        'hello from the remote engine',
        'network: Network is unreachable',
      ]);
    } finally {
      await container.remove({ force: true });
    }
  });

  it(
    'fails within seconds while the link is cut, and answers again once it is restored',
    { timeout: 15_000 },
    async () => {
      const impatient = remoteEngine(config, { readyTimeout: 3_000 });
      cutLink();
      let error: Error;
      try {
        error = await rejection(impatient.ping());
      } finally {
        restoreLink();
      }
      expect(error.message).toBe('Timed out while waiting for handshake');
      expect(String(await impatient.ping())).toBe('OK');
    },
  );

  it('refuses a key it was not given', async () => {
    const error = await rejection(remoteEngine(config, { privateKey: readFileSync(stranger) }).version());
    expect(error.message).toBe('All configured authentication methods failed');
  });

  it('refuses to talk to a host whose key is not the known one', async () => {
    const other = join(scratch, 'known_hosts');
    const strangerPublic = readFileSync(`${stranger}.pub`, 'utf8').split(' ');
    writeFileSync(other, `${config.host} ${strangerPublic[0]} ${strangerPublic[1]}\n`);
    const error = await rejection(remoteEngine(config, { knownHostsPath: other }).version());
    expect(error.message).toBe('Host denied (verification failed)');
  });
});

// Jobs on that engine as a target of settings.json, through the app's job service and the CLI: the
// workspace is sent there, the output streams back as the job prints it, its outputs/ come back when it
// ends, and nothing runs on this machine's engine. A cut link loses no line and repeats none; a job its
// machine's engine stopped (restarting) is recorded once the engine is back; cancel stops it there;
// `looplab targets test` says what it found.
describe.skipIf(skipRemote)('jobs on a remote target', () => {
  let home: TempHome;
  let app: App;
  let runId: string;
  let folder: string;

  beforeAll(() => {
    config = requireRemote();
    remote = remoteEngine(config);
    home = makeTempHome('looplab-remote-jobs-');
    const target = {
      name: 'gpu-box',
      kind: 'docker',
      host: config.url,
      identityFile: config.keyPath,
      knownHosts: config.knownHostsPath,
      costPerHour: 36,
    };
    writeFileSync(home.paths.settings, JSON.stringify({ targets: [target] }));
    process.env.LOOPLAB_SANDBOX_IMAGE = REMOTE_IMAGE;
    app = createApp({ home: home.paths.root, ui: 'web' });
    runId = app.store.createRun({ goal: 'train on the box', model: 'scripted/test', origin: 'new' }).runId;
    folder = workspaceDir(app, runId);
    writeFileSync(join(folder, 'data.txt'), 'three\nlines\nhere\n');
  });

  afterAll(async () => {
    restoreLink();
    await app?.shutdown().catch(() => undefined);
    for (const id of await jobContainers(remote, { [LABEL_JOB_HOME]: app.sandbox.homeHash }).catch(() => []))
      await remote
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    home?.remove();
  });

  const events = () => jobEvents(app.store, runId);
  const finished = (jobId: string) =>
    events().find((event) => event.type === 'job.finished' && event.payload.jobId === jobId);
  const logOf = (jobId: string) => readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8');

  it('says what the target has', async () => {
    const result = await runCli(['--home', home.paths.root, 'targets', 'test', 'gpu-box', '--json'], {
      env: { LOOPLAB_SANDBOX_IMAGE: REMOTE_IMAGE },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({
        name: 'gpu-box',
        reachable: true,
        image: { name: REMOTE_IMAGE, present: true },
        gpus: false,
      }),
    ]);
  });

  it(
    'runs a job there on the workspace sent, streams its metrics back and brings its outputs home',
    { timeout: 90_000 },
    async () => {
      const command = [
        'wc -l < data.txt > outputs/lines.txt',
        'for i in 1 2 3; do echo "{\\"step\\": $i, \\"loss\\": 0.$((4 - i))}"; sleep 0.2; done',
      ].join(' && ');
      const { jobId } = await app.jobs.start(
        { runId, workspaceFolder: folder },
        { command, gpu: false, target: 'gpu-box', timeoutSeconds: 120 },
      );
      const started = events().find((event) => event.type === 'job.started');
      expect(started?.payload).toMatchObject({ jobId, target: 'gpu-box' });
      // It runs on the target's engine, not this machine's, on a folder of that machine as its SSH user.
      const [id] = await jobContainers(remote, { [LABEL_JOB]: jobId });
      const info = await remote.getContainer(id!).inspect();
      const mount = info.Mounts.find((each) => each.Destination === '/workspace');
      expect(mount).toMatchObject({ Type: 'bind', Source: expect.stringMatching(/\/\.looplab\/jobs\/looplab-job-/) });
      expect(info.Config.User).toBe(onRemote(config, 'echo "$(id -u):$(id -g)"').trim());
      expect(await jobContainers(new Docker(), { [LABEL_JOB]: jobId })).toHaveLength(0);
      await waitUntil(() => finished(jobId) !== undefined, 'the remote job to end', 80_000);
      expect(finished(jobId)?.payload).toMatchObject({ status: 'succeeded', exitCode: 0 });
      // Its time there is paid at the target's rate ($36 an hour: a cent a second) and counts in the run's cost.
      const cost = (finished(jobId)?.payload as { cost?: number }).cost ?? 0;
      expect(cost).toBeGreaterThan(0.005);
      expect(cost).toBeLessThan(0.6);
      expect(app.store.requireRun(runId).cost).toBeCloseTo(cost, 6);
      const metrics = events().flatMap((event) => (event.type === 'job.metric' ? [event.payload.values.loss] : []));
      expect(metrics).toEqual([0.3, 0.2, 0.1]);
      expect(readFileSync(join(folder, 'outputs/lines.txt'), 'utf8').trim()).toBe('3');
      expect(
        events().some((event) => event.type === 'artifact.recorded' && event.payload.path === 'outputs/lines.txt'),
      ).toBe(true);
      // Once its watcher is done, its container and its folder there are gone, and no volume was made.
      await app.jobs.settled(jobId);
      expect(await jobContainers(remote, { [LABEL_JOB]: jobId })).toHaveLength(0);
      expect(onRemote(config, `[ -e ${mount!.Source} ] && echo there || echo gone`).trim()).toBe('gone');
      const volumes = (await remote.listVolumes()).Volumes ?? [];
      expect(volumes.filter((volume) => volume.Name.includes(jobId))).toEqual([]);
    },
  );

  it('loses no line and repeats none when the link is cut mid-job', { timeout: 120_000 }, async () => {
    const command = 'for i in $(seq 1 30); do echo "{\\"step\\": $i, \\"n\\": $i}"; sleep 1; done';
    const { jobId } = await app.jobs.start(
      { runId, workspaceFolder: folder },
      { command, gpu: false, target: 'gpu-box', timeoutSeconds: 300 },
    );
    const steps = () => events().filter((event) => event.type === 'job.metric' && event.payload.jobId === jobId).length;
    await waitUntil(() => steps() >= 3, 'three lines before the cut', 60_000);
    cutLink();
    // Long enough for the watcher to give the link up (no answer for 20 s) and look for the job again.
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    restoreLink();
    await waitUntil(() => finished(jobId) !== undefined, 'the job to end after the cut', 100_000);
    expect(finished(jobId)?.payload).toMatchObject({ status: 'succeeded' });
    const series = events().flatMap((event) =>
      event.type === 'job.metric' && event.payload.jobId === jobId ? [event.payload.step] : [],
    );
    expect(series).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    const lines = logOf(jobId)
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines).toHaveLength(30);
  });

  it('cancels a job there', { timeout: 60_000 }, async () => {
    const { jobId } = await app.jobs.start(
      { runId, workspaceFolder: folder },
      { command: 'sleep 600', gpu: false, target: 'gpu-box', timeoutSeconds: 900 },
    );
    const status = await app.jobs.cancel(runId, jobId);
    expect(status.state).toBe('cancelled');
    expect(await jobContainers(remote, { [LABEL_JOB]: jobId })).toHaveLength(0);
  });

  it('records a job its machine’s engine stopped by restarting, with its log, once the engine is back', async () => {
    const command = 'for i in $(seq 1 120); do echo "{\\"step\\": $i, \\"n\\": $i}"; sleep 1; done';
    const { jobId } = await app.jobs.start(
      { runId, workspaceFolder: folder },
      { command, gpu: false, target: 'gpu-box', timeoutSeconds: 300 },
    );
    const steps = () => events().filter((event) => event.type === 'job.metric' && event.payload.jobId === jobId).length;
    await waitUntil(() => steps() >= 3, 'three lines before the restart', 60_000);
    restartRemote();
    await waitUntil(() => finished(jobId) !== undefined, 'the stopped job to be recorded', 100_000);
    expect(finished(jobId)?.payload).toMatchObject({ status: 'failed' });
    const lines = logOf(jobId).split('\n');
    const seen = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { step: number }).step);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, index) => index + 1));
    expect(lines.filter((line) => line.startsWith('[looplab]')).at(-1)).toMatch(/exit code \d+ after/);
    expect(logOf(jobId)).not.toContain('could not be brought back');
  }, 180_000);

  it('refuses a target settings.json does not name, and an allow-list it cannot carry there', async () => {
    await expect(
      app.jobs.start({ runId, workspaceFolder: folder }, { command: 'true', gpu: false, target: 'nowhere' }),
    ).rejects.toThrow('There is no target named nowhere.');
    const placement = { runId, workspaceFolder: folder, network: { allow: ['pypi'] } } as const;
    await expect(
      app.jobs.start(placement as never, { command: 'true', gpu: false, target: 'gpu-box' }),
    ).rejects.toThrow("A job on target gpu-box cannot have the run's network allow-list");
  });
});
