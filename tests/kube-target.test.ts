// Jobs on a Kubernetes cluster through the real @kubernetes/client-node, against a FAKE API server on
// 127.0.0.1 (tests/helpers/fake-kube.ts): a stand-in for a cluster, which cannot start on these machines
// (its images come from a registry). The fake answers the API's real wire shapes and really runs each pod's
// containers as local processes, so what comes back (log lines, exit codes, outputs/) is the job's own.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesTargetSchema, type KubernetesTarget } from '../src/shared/targets';
import { makeBackend } from '../src/main/sandbox/job-backends';
import type { JobHandle } from '../src/main/sandbox/jobs-handle';
import type { WatchedJob } from '../src/main/sandbox/jobs-watch-types';
import { kubeJobName } from '../src/main/sandbox/kube-manifest';
import { createApp, type App } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { jobEvents, waitUntil } from './fixtures/train-jobs';
import { startFakeKube, type FakeKube } from './helpers/fake-kube';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const HOME_HASH = 'abcdef1234567890';
const H100 = {
  metadata: { name: 'gpu-1', labels: { 'nvidia.com/gpu.product': 'NVIDIA H100 80GB HBM3' } },
  status: { allocatable: { cpu: '96', 'nvidia.com/gpu': '4' } },
};

let fake: FakeKube;
let scratch: string;
let target: KubernetesTarget;
let serial = 0;

function newJob(script: string): WatchedJob {
  serial += 1;
  const workspaceFolder = mkdtempSync(join(scratch, 'ws-'));
  writeFileSync(join(workspaceFolder, 'train.py'), script);
  const jobId = `job_${serial}`;
  return {
    jobId,
    runId: 'run_1',
    containerName: `looplab-job-${HOME_HASH.slice(0, 8)}-${jobId}`,
    workspaceFolder,
    gpu: false,
    startedAt: Date.now(),
    timeoutSeconds: 600,
  };
}

async function launch(job: WatchedJob, notes: string[] = []): Promise<JobHandle> {
  return makeBackend(target).launch({
    job,
    command: 'python3 train.py',
    gpu: false,
    env: { PYTHONUNBUFFERED: '1' },
    cpus: 1,
    memoryBytes: 2 ** 30,
    note: (text) => notes.push(text),
  });
}

/** Follows the handle's output until `until` is seen (then stops following), or to its end. */
async function follow(handle: JobHandle, until?: string): Promise<string> {
  const controller = new AbortController();
  let text = '';
  await handle.follow((bytes) => {
    text += bytes.toString();
    if (until !== undefined && text.includes(until)) controller.abort();
  }, controller.signal);
  return text;
}

const TRAIN = `import json, os, time
for step in (1, 2, 3):
    print(json.dumps({"step": step, "loss": 1 / (step + 1)}), flush=True)
os.makedirs("outputs", exist_ok=True)
open("outputs/model.txt", "w").write("weights")
print("done", flush=True)
`;

describe('jobs on a Kubernetes cluster (a fake API server standing in for one)', () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'looplab-kube-'));
    fake = await startFakeKube({ nodes: [H100] });
    target = kubernetesTargetSchema.parse({
      name: 'kube',
      kind: 'kubernetes',
      kubeconfig: fake.writeKubeconfig(scratch),
      context: 'fake',
      namespace: fake.namespace,
      image: 'python:3.11-slim',
    });
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs a job: its metric lines stream back, its exit code and outputs/ come back, and remove deletes it', async () => {
    const job = newJob(TRAIN);
    const notes: string[] = [];
    const handle = await launch(job, notes);
    const seen = await follow(handle);
    const end = await handle.wait(AbortSignal.timeout(60_000));
    let rest = '';
    await handle.catchUp((bytes) => (rest += bytes.toString()), AbortSignal.timeout(10_000));
    expect(seen + rest).toBe(
      `{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.3333333333333333}\n{"step": 3, "loss": 0.25}\ndone\n`,
    );
    expect(end.exitCode).toBe(0);
    await handle.fetchOutputs!();
    expect(readFileSync(join(job.workspaceFolder, 'outputs', 'model.txt'), 'utf8')).toBe('weights');
    expect(notes.join('\n')).toMatch(/submitted as Job looplab-job-abcdef12-job-\d+ in namespace looplab/);
    expect(notes.join('\n')).toMatch(/sent the workspace \(\d+ bytes of tar\)/);
    await handle.remove();
    expect(fake.jobs.has(kubeJobName(job.containerName))).toBe(false);
  });

  it("says a job's failing exit code, and that it was OOMKilled", async () => {
    fake.behaviour.oomAfter = 'allocating';
    try {
      const handle = await launch(newJob('print("allocating", flush=True)\nimport time\ntime.sleep(60)\n'));
      expect(await follow(handle)).toContain('allocating');
      const end = await handle.wait(AbortSignal.timeout(60_000));
      expect(end).toMatchObject({ exitCode: 137, oomKilled: true });
      await handle.remove();
    } finally {
      fake.behaviour.oomAfter = undefined;
    }
  });

  it('cancels a job: its command gets SIGTERM, what it wrote to outputs/ comes back, then remove deletes its Job', async () => {
    const job = newJob(
      [
        'import os, signal, sys, time',
        'os.makedirs("outputs", exist_ok=True)',
        'def stop(*_):',
        '    open("outputs/last.txt", "w").write("stopped cleanly")',
        '    sys.exit(143)',
        'signal.signal(signal.SIGTERM, stop)',
        'print("started", flush=True)',
        'time.sleep(300)',
      ].join('\n'),
    );
    const handle = await launch(job);
    await follow(handle, 'started');
    await handle.stop(5);
    const end = await handle.wait(AbortSignal.timeout(30_000));
    expect(end.exitCode).toBe(143);
    const name = kubeJobName(job.containerName);
    expect(fake.jobs.has(name)).toBe(true);
    await handle.fetchOutputs?.();
    expect(readFileSync(join(job.workspaceFolder, 'outputs/last.txt'), 'utf8')).toBe('stopped cleanly');
    await handle.remove();
    expect(fake.jobs.has(name)).toBe(false);
  });

  it('deletes the Job and pod of a command that does not stop within the grace, and its end says it is gone', async () => {
    const job = newJob(
      'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("started", flush=True)\ntime.sleep(300)\n',
    );
    const handle = await launch(job);
    await follow(handle, 'started');
    await handle.stop(1);
    const end = await handle.wait(AbortSignal.timeout(60_000));
    expect(end.exitCode).toBeNull();
    expect(fake.requests).toContain(`DELETE /apis/batch/v1/namespaces/looplab/jobs/${kubeJobName(job.containerName)}`);
    expect(fake.jobs.has(kubeJobName(job.containerName))).toBe(false);
  });

  it('finds a running job again after a restart, and its output comes once', async () => {
    const job = newJob(
      'import os, time\nprint("step one", flush=True)\nwhile not os.path.exists("release"): time.sleep(0.1)\nprint("step two", flush=True)\n',
    );
    const first = await launch(job);
    // Python may write the line and its newline apart: follow until both came.
    expect(await follow(first, 'step one\n')).toBe('step one\n');
    // A new backend object, as after Looplab restarts.
    const found = await makeBackend(target).find(HOME_HASH);
    expect(found.map((each) => ({ job: each.job, running: each.running }))).toEqual([{ job, running: true }]);
    expect(await makeBackend(target).find('0000000000000000')).toEqual([]);
    writeFileSync(join(fake.jobs.get(kubeJobName(job.containerName))!.pod!.dir, 'release'), '');
    const again = found[0]!.handle;
    const seen = await follow(again);
    await again.wait(AbortSignal.timeout(60_000));
    let rest = '';
    await again.catchUp((bytes) => (rest += bytes.toString()), AbortSignal.timeout(10_000));
    expect(seen + rest).toBe('step one\nstep two\n');
    await again.remove();
  });

  it('fails a job whose pod stays unschedulable past maxPendingSeconds, with the scheduler’s message', async () => {
    fake.behaviour.unschedulable = '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.';
    const saved = target;
    target = { ...target, maxPendingSeconds: 1 };
    try {
      const job = newJob('print("never")\n');
      const handle = await launch(job);
      const end = await handle.wait(AbortSignal.timeout(60_000));
      expect(end.exitCode).toBeNull();
      expect(end.reason).toContain('could not be scheduled: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.');
      expect(end.reason).toContain('maxPendingSeconds');
      expect(fake.jobs.has(kubeJobName(job.containerName))).toBe(false);
    } finally {
      target = saved;
      fake.behaviour.unschedulable = undefined;
    }
  });

  it('targets test: reachable, its version, the namespace, and the GPUs its nodes have', async () => {
    const check = await makeBackend(target).check();
    expect(check).toMatchObject({
      name: 'kube',
      kind: 'kubernetes',
      reachable: true,
      version: 'v1.31.0-fake',
      gpus: true,
      gpuInventory: ['4 × NVIDIA H100 80GB HBM3'],
      runtime: 'image python:3.11-slim',
    });
    const missing = await makeBackend({ ...target, namespace: 'nowhere' }).check();
    expect(missing.reachable).toBe(false);
    expect(missing.problem).toMatch(/there is no namespace nowhere.*kubectl create namespace nowhere/);
  });

  it('names the target and what to do when RBAC refuses, or the kubeconfig has no such context', async () => {
    fake.forbidden.add('create jobs');
    try {
      await expect(launch(newJob('print(1)\n'))).rejects.toThrow(
        /Target kube \(namespace looplab\): not allowed to create jobs \(403: jobs is forbidden/,
      );
    } finally {
      fake.forbidden.delete('create jobs');
    }
    await expect(makeBackend({ ...target, context: 'elsewhere' }).ping()).rejects.toThrow(/has no context "elsewhere"/);
    expect(existsSync(target.kubeconfig!)).toBe(true);
  });
});

describe('a job on a Kubernetes target through JobService (the fake API server standing in for a cluster)', () => {
  let home: TempHome;
  let app: App;
  let runId: string;
  let folder: string;
  let cluster: FakeKube;

  beforeAll(async () => {
    cluster = await startFakeKube({ nodes: [H100] });
    home = makeTempHome('looplab-kube-jobs-');
    const kube = {
      name: 'kube',
      kind: 'kubernetes',
      kubeconfig: cluster.writeKubeconfig(home.paths.root),
      namespace: cluster.namespace,
      image: 'python:3.11-slim',
      costPerHour: 36,
    };
    writeFileSync(home.paths.settings, JSON.stringify({ targets: [kube] }));
    app = createApp({ home: home.paths.root, ui: 'web' });
    runId = app.store.createRun({ goal: 'train on the cluster', model: 'scripted/test', origin: 'new' }).runId;
    folder = workspaceDir(app, runId);
    writeFileSync(join(folder, 'data.txt'), 'three\nlines\nhere\n');
  });
  afterAll(async () => {
    await app?.shutdown().catch(() => undefined);
    await cluster?.close();
    home?.remove();
  });

  const events = () => jobEvents(app.store, runId);
  const finished = (jobId: string) =>
    events().find((event) => event.type === 'job.finished' && event.payload.jobId === jobId);
  const readJobLog = (jobId: string) => {
    const file = join(folder, `.looplab/jobs/${jobId}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  it(
    'runs there on the workspace sent, streams its metrics and brings its outputs home',
    { timeout: 60_000 },
    async () => {
      const command = [
        'mkdir -p outputs && wc -l < data.txt > outputs/lines.txt',
        'for i in 1 2 3; do echo "{\\"step\\": $i, \\"loss\\": 0.$((4 - i))}"; done',
      ].join(' && ');
      const { jobId } = await app.jobs.start(
        { runId, workspaceFolder: folder },
        { command, gpu: false, target: 'kube', timeoutSeconds: 120 },
      );
      expect(events().find((event) => event.type === 'job.started')?.payload).toMatchObject({ jobId, target: 'kube' });
      await waitUntil(() => finished(jobId) !== undefined, 'the Kubernetes job to end', 50_000);
      expect(finished(jobId)?.payload).toMatchObject({ status: 'succeeded', exitCode: 0 });
      const metrics = events().flatMap((event) => (event.type === 'job.metric' ? [event.payload.values.loss] : []));
      expect(metrics).toEqual([0.3, 0.2, 0.1]);
      expect(readFileSync(join(folder, 'outputs/lines.txt'), 'utf8').trim()).toBe('3');
      await app.jobs.settled(jobId);
      expect(cluster.jobs.size).toBe(0);
    },
  );

  it('cancel keeps what the job wrote to outputs/, then deletes its Job there', { timeout: 60_000 }, async () => {
    const { jobId } = await app.jobs.start(
      { runId, workspaceFolder: folder },
      {
        command: 'mkdir -p outputs && echo "step 40" > outputs/checkpoint.txt && echo started && sleep 300',
        gpu: false,
        target: 'kube',
        timeoutSeconds: 600,
      },
    );
    await waitUntil(() => cluster.jobs.size === 1, 'the Job to be created', 20_000);
    await waitUntil(() => readJobLog(jobId).includes('started'), 'the job to start', 30_000);
    await app.jobs.cancel(runId, jobId);
    await waitUntil(() => finished(jobId) !== undefined, 'the cancelled job to end', 50_000);
    expect(finished(jobId)?.payload).toMatchObject({ status: 'cancelled' });
    await app.jobs.settled(jobId);
    expect(readFileSync(join(folder, 'outputs/checkpoint.txt'), 'utf8').trim()).toBe('step 40');
    expect(cluster.jobs.size).toBe(0);
  });
});
