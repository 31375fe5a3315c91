// What sending a job to another machine's Docker engine over SSH costs, beside the docker CLI and scp
// doing the same over the same link in the same run: the time from job_start to the job's first log line
// against `docker -H ssh://… run` of the same command, and the rate at which a 200 MB outputs/ comes back
// against scp of a file of the same size. Needs the remote `.ci/remote-docker.sh` starts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { fetchFromFolder, removeFolder, shipToFolder } from '../src/main/sandbox/jobs-remote-folder';
import { TargetEngines } from '../src/main/sandbox/target-engines';
import { report, skip } from './report';

const IMAGE = 'looplab-sandbox:ci';
const ROUNDS = 3;
const OUTPUT_MB = 200;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs a command and resolves with the ms until its stdout first holds `marker`, then until it exits. */
function timed(command: string, args: string[], marker?: string): Promise<{ first: number; total: number }> {
  const start = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let first = Number.NaN;
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (marker !== undefined && Number.isNaN(first) && out.includes(marker)) first = performance.now() - start;
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve({ first, total: performance.now() - start })
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.slice(-300)}`)),
    ),
  );
}

async function waitFor(probe: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function benchTargets(): Promise<void> {
  const { LOOPLAB_REMOTE_DOCKER: url, LOOPLAB_REMOTE_SSH_KEY: key, LOOPLAB_REMOTE_KNOWN_HOSTS: known } = process.env;
  if (url === undefined || key === undefined || known === undefined) {
    skip('remote target', 'no remote engine: run `bash .ci/remote-docker.sh` and eval its `env`');
    return;
  }
  const login = url.replace(/^ssh:\/\//, '').replace(/:\d+$/, '');
  const home = mkdtempSync(join(tmpdir(), 'looplab-bench-targets-'));
  const target = { name: 'box', kind: 'docker', host: url, identityFile: key, knownHosts: known, image: IMAGE };
  writeFileSync(join(home, 'settings.json'), JSON.stringify({ targets: [target] }));
  const app = createApp({ home, ui: 'web' });
  try {
    const runId = app.store.createRun({ goal: 'bench', model: 'scripted/bench', origin: 'new' }).runId;
    const folder = workspaceDir(app, runId);
    const placement = { runId, workspaceFolder: folder };
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      const { jobId, logPath } = await app.jobs.start(placement, { command: 'echo first', gpu: false, target: 'box' });
      const log = join(folder, logPath);
      await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('first'), 60_000);
      ours.push(performance.now() - start);
      await app.jobs.settled(jobId);
      const cli = await timed(
        'docker',
        ['-H', `ssh://${login}`, 'run', '--rm', '--network', 'none', IMAGE, 'bash', '-c', 'echo first'],
        'first',
      );
      theirs.push(cli.first);
    }
    report(
      'remote target: job_start to its first log line',
      median(ours),
      'ms',
      { label: 'docker -H ssh:// run', value: median(theirs) },
      {
        target: '≤ 1.5× the docker CLI',
        met: (value) => value <= 1.5 * median(theirs),
      },
    );

    // outputs/ of 200 MB coming back (what a job's end does), against scp of a file of that size: the job's
    // folder there made as a job's is (the workspace sent), its outputs written by a container as the job's.
    const engine = new TargetEngines(app.sandbox.docker, () => [{ ...target, kind: 'docker' as const }]).get('box');
    const ssh = engine.ssh!;
    const empty = mkdtempSync(join(tmpdir(), 'looplab-bench-workspace-'));
    const remoteFolder = await shipToFolder(ssh, empty, 'looplab-job-00000000-bench');
    rmSync(empty, { recursive: true, force: true });
    const writer = await engine.docker.createContainer({
      Image: IMAGE,
      User: `${remoteFolder.uid}:${remoteFolder.gid}`,
      Cmd: [
        'bash',
        '-c',
        `mkdir -p /workspace/outputs && head -c ${OUTPUT_MB}M /dev/urandom > /workspace/outputs/blob.bin`,
      ],
      HostConfig: {
        NetworkMode: 'none',
        Mounts: [{ Type: 'bind', Source: `${remoteFolder.dir}/workspace`, Target: '/workspace' }],
      },
    });
    await writer.start();
    await writer.wait();
    await writer.remove({ force: true });
    const fetches: number[] = [];
    const copies: number[] = [];
    let bytes = 0;
    await timed('ssh', [login, `head -c ${OUTPUT_MB}M /dev/urandom > blob.bin`]);
    for (let round = 0; round < ROUNDS; round++) {
      const into = mkdtempSync(join(tmpdir(), 'looplab-bench-outputs-'));
      const start = performance.now();
      await fetchFromFolder(ssh, remoteFolder.dir, into);
      fetches.push(performance.now() - start);
      bytes = statSync(join(into, 'outputs/blob.bin')).size;
      rmSync(into, { recursive: true, force: true });
      copies.push((await timed('scp', ['-q', `${login}:blob.bin`, join(home, 'blob.scp')])).total);
    }
    await removeFolder(ssh, remoteFolder.dir);
    const [fetchMs, scpMs] = [median(fetches), median(copies)];
    const rate = (ms: number) => bytes / 1024 ** 2 / (ms / 1000);
    report(
      `remote target: ${OUTPUT_MB} MB of outputs/ back`,
      rate(fetchMs),
      'MB/s',
      { label: 'scp', value: rate(scpMs) },
      {
        target: '≥ 0.8× scp',
        met: (value) => value >= 0.8 * rate(scpMs),
      },
    );
  } finally {
    await app.shutdown().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}
