// Jobs on a real Slurm cluster (.ci/slurm.sh: one node, its login node over SSH), through the backend and
// handle the watcher drives: the workspace goes there, sbatch queues the job, its log streams back while it
// runs, its outputs come back, scancel stops it, sacct decides how it ended, and Slurm's time limit ends a
// job that runs too long. Slurm checks time limits about every 30 s, so that job takes 60–100 s; it runs
// beside the others.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandleEnd, JobHandle } from '../src/main/sandbox/jobs-handle';
import { jobContainerName } from '../src/main/sandbox/jobs-spec';
import type { WatchedJob } from '../src/main/sandbox/jobs-watch-types';
import { SlurmBackend } from '../src/main/sandbox/slurm-backend';
import type { SlurmTarget } from '../src/shared/targets';
import { onLoginNode, skipSlurm, slurmTarget } from './helpers/slurm';

const homeHash = randomBytes(8).toString('hex');
let target: SlurmTarget;
let backend: SlurmBackend;
let scratch: string;
let timeLimited: Promise<{ end: HandleEnd; log: string }>;

function watchedJob(jobId: string, timeoutSeconds = 600): WatchedJob {
  const workspaceFolder = join(scratch, jobId);
  mkdirSync(workspaceFolder, { recursive: true });
  writeFileSync(join(workspaceFolder, 'data.txt'), 'from the workspace\n');
  return {
    jobId,
    runId: 'run-slurm',
    containerName: jobContainerName(homeHash, jobId),
    workspaceFolder,
    gpu: false,
    startedAt: Date.now(),
    timeoutSeconds,
  };
}

async function launch(job: WatchedJob, command: string): Promise<{ handle: JobHandle; notes: string[] }> {
  const notes: string[] = [];
  const handle = await backend.launch({
    job,
    command,
    gpu: false,
    env: { GREETING: 'it\'s "quoted" $HOME' },
    cpus: 1,
    memoryBytes: 256 * 1024 ** 2,
    note: (text) => notes.push(text),
  });
  return { handle, notes };
}

/** Follows the job's log until it ends; `onLine` sees each whole line as it comes. */
function follow(handle: JobHandle, onLine: (line: string) => void = () => undefined) {
  let text = '';
  const sink = (bytes: Buffer) => {
    const before = text.split('\n').length - 1;
    text += bytes.toString('utf8');
    text.split('\n').slice(before, -1).forEach(onLine);
  };
  const controller = new AbortController();
  const followed = handle.follow(sink, controller.signal);
  return {
    async end(): Promise<{ end: HandleEnd; log: string }> {
      const end = await handle.wait(new AbortController().signal);
      await followed;
      await handle.catchUp(sink, controller.signal);
      return { end, log: text };
    },
  };
}

describe.skipIf(skipSlurm)('jobs on a Slurm cluster', () => {
  beforeAll(async () => {
    target = slurmTarget({ workdir: `~/.looplab/jobs-${homeHash}` });
    backend = new SlurmBackend(target);
    scratch = mkdtempSync(join(tmpdir(), 'looplab-slurm-'));
    const { handle } = await launch(watchedJob('limited', 30), 'echo started; sleep 600');
    timeLimited = follow(handle).end();
  });
  afterAll(async () => {
    // A job a failed or filtered run left queued would hold the node's CPUs for the next one.
    for (const found of backend ? await backend.find(homeHash) : []) if (found.running) await found.handle.kill();
    if (target) onLoginNode(target, `rm -rf ~/.looplab/jobs-${homeHash}`);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('says what `targets test` shows: Slurm answers, its partition, Python there', async () => {
    const check = await backend.check();
    expect(check).toMatchObject({ name: 'cluster', kind: 'slurm', reachable: true, gpus: false });
    expect(check.version).toMatch(/^slurm(-wlm)? \d+\.\d+/);
    expect(check.runtime).toMatch(/^Python \(Python 3\.\d+/);
    expect(check.problem).toBeUndefined();
    const wrong = await new SlurmBackend({ ...target, partition: 'gpu-huge' }).check();
    expect(wrong.problem).toMatch(/partition gpu-huge does not exist there \(sinfo lists debug\)/);
  });

  it('streams the log while the job runs, brings outputs back, and finds the job again', async () => {
    const job = watchedJob('train');
    const command = [
      'cat data.txt; echo "$GREETING"',
      'echo \'{"step":1,"loss":0.5}\'',
      'while [ ! -f go ]; do sleep 0.2; done',
      'echo \'{"step":2,"loss":0.25}\'',
      'mkdir -p outputs && echo weights > outputs/model.txt',
    ].join('; ');
    const { handle, notes } = await launch(job, command);
    expect(notes.join('\n')).toMatch(/submitted to Slurm as job \d+ on its default partition of cluster/);
    const running = await backend.find(homeHash);
    expect(running.find((found) => found.job.jobId === 'train')).toMatchObject({ running: true, job });
    // The job waits for a file only written once its first metric line is here: the line came while it ran.
    const followed = follow(handle, (line) => {
      if (line.includes('"step":1'))
        onLoginNode(target, `touch ~/.looplab/jobs-${homeHash}/${job.containerName}/workspace/go`);
    });
    const { end, log } = await followed.end();
    expect(end).toMatchObject({ exitCode: 0 });
    expect(end.reason).toBeUndefined();
    expect(log).toBe('from the workspace\nit\'s "quoted" $HOME\n{"step":1,"loss":0.5}\n{"step":2,"loss":0.25}\n');
    await handle.fetchOutputs!();
    expect(readFileSync(join(job.workspaceFolder, 'outputs', 'model.txt'), 'utf8')).toBe('weights\n');
    const found = (await backend.find(homeHash)).find((one) => one.job.jobId === 'train');
    expect(found).toMatchObject({ running: false, job });
    await handle.remove();
    expect((await backend.find(homeHash)).map((one) => one.job.jobId)).not.toContain('train');
  }, 60_000);

  it('takes a failing exit code from sacct', async () => {
    const { handle } = await launch(watchedJob('fails'), 'echo trying; exit 3');
    const { end, log } = await follow(handle).end();
    expect(end).toMatchObject({ exitCode: 3 });
    expect(log).toBe('trying\n');
    const id = onLoginNode(target, `cat ~/.looplab/jobs-${homeHash}/${jobContainerName(homeHash, 'fails')}/slurm-id`);
    expect(onLoginNode(target, `sacct -c -X -n -P -j ${id} -o State,ExitCode`).trim()).toBe('FAILED|3:0');
  }, 60_000);

  it('stops a job with scancel', async () => {
    const { handle } = await launch(
      watchedJob('cancelled'),
      'trap "echo got TERM; exit 143" TERM; echo waiting; while true; do sleep 0.2; done',
    );
    let stopped: Promise<void> | undefined;
    const followed = follow(handle, (line) => {
      if (line === 'waiting') stopped = handle.stop(5);
    });
    const { end, log } = await followed.end();
    await stopped;
    // SIGTERM first, which the job's trap saw; Slurm's own line on the cancel is in the log too.
    expect(log).toMatch(/^waiting\n[^]*got TERM\n$/);
    expect(log).toMatch(/slurmstepd[^\n]*: \*\*\* JOB \d+ ON looplab-slurm CANCELLED AT /);
    // It left on SIGTERM with its own code: the watcher, which asked, records it cancelled.
    expect(end).toMatchObject({ exitCode: 143 });
  }, 60_000);

  it("ends a job that runs past its timeout with Slurm's time limit, and says so", async () => {
    const { end, log } = await timeLimited;
    expect(log).toMatch(/^started\nslurmstepd[^\n]*CANCELLED AT [^\n]* DUE TO TIME LIMIT \*\*\*\n$/);
    expect(end.reason).toBe("Slurm's time limit of 1 min (the job's timeout) ended it (TIMEOUT)");
  }, 180_000);
});
