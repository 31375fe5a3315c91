// The environment training code meets, in real containers of the CI image, as a host user (uid 4242) the
// image has no passwd entry for: getpass.getuser() works; `pip install` in a command lands under the
// workspace and a job then finds the package and its script; the data folder's Hugging Face cache is
// shared by commands and jobs and stays out of the workspace; a job gets its own limits (memory, CPUs,
// threads, /dev/shm) and the default timeout; and a GPU job found again after a restart (here, one made
// as a GPU job is but without the device request, since this engine has no GPU) runs the torch check
// first and, when it ends, has the local Ollama's models loaded again.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { homeHash } from '../src/main/sandbox/container-spec';
import type { DockerWorkspace } from '../src/main/sandbox/docker-workspace';
import { createOllamaGpuGuard } from '../src/main/providers/ollama-gpu';
import { createJobContainer } from '../src/main/sandbox/jobs-containers';
import { prepareJobFolders } from '../src/main/sandbox/jobs-files';
import { JobService } from '../src/main/sandbox/jobs';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../src/main/sandbox/jobs-resources';
import { jobContainerName, jobContainerSpec } from '../src/main/sandbox/jobs-spec';
import { SandboxManager } from '../src/main/sandbox/sandbox-manager';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import { CI_IMAGE, ciImagePresent, missingImageMessage, removeJobContainers } from './fixtures/train-jobs';
import { WHEEL_SCRIPT, wheelFiles } from './fixtures/wheel';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const docker = new Docker();
const present = ciImagePresent();
const signal = new AbortController().signal;
const USER = '4242:4242';
let home: TempHome;
let app: App;
let sandbox: SandboxManager;
let jobs: JobService;
let workspace: DockerWorkspace;
let folder: string;
let runId: string;

async function run(command: string): Promise<string> {
  const result = await workspace.exec(command, { timeoutMs: 60_000, signal });
  return `${result.output}[exit ${result.exitCode}]`;
}

type Request = Partial<Parameters<JobService['start']>[1]>;

/** Runs a job to its end; its log, less the line that says how it ended. */
async function job(command: string, request: Request = {}): Promise<string> {
  const started = await jobs.start({ runId, workspaceFolder: folder }, { command, gpu: false, ...request });
  await jobs.settled(started.jobId);
  const log = readFileSync(join(folder, started.logPath), 'utf8');
  return log.replace(/^\[looplab\] exit code 0 after .*\n/m, '');
}

/** How the engine made a job's container: its limits, labels and command. */
async function containerOf(request: Request) {
  const started = await jobs.start(
    { runId, workspaceFolder: folder },
    { command: 'sleep 600', gpu: false, ...request },
  );
  const info = await docker.getContainer(jobContainerName(sandbox.homeHash, started.jobId)).inspect();
  expect((await jobs.cancel(runId, started.jobId)).state).toBe('cancelled');
  const { Memory, NanoCpus, PidsLimit, ShmSize } = info.HostConfig;
  return { limits: { Memory, NanoCpus, PidsLimit, ShmSize }, labels: info.Config.Labels, cmd: info.Config.Cmd };
}

// A wheel of one module and one console script (no PyPI here).
const TINY_WHEEL = JSON.stringify(
  wheelFiles('tinypkg', '0.1', {
    'tinypkg.py': "def main():\n    print('tiny says hello')\n",
    'tinypkg-0.1.dist-info/entry_points.txt': '[console_scripts]\ntiny-hello = tinypkg:main\n',
  }),
);

describe.skipIf(skipDocker || (!present && !dockerRequired))('the environment of commands and jobs', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    home = makeTempHome('looplab-job-env-');
    app = createApp({ home: home.paths.root, ui: 'web' });
    sandbox = new SandboxManager({ home: home.paths.root, image: CI_IMAGE, user: USER });
    jobs = new JobService({
      sandbox,
      log: app.store,
      user: USER,
      jobResources: () => ({ cpus: 1, memoryMb: 768 }),
    });
    runId = app.store.createRun({ goal: 'train', model: 'scripted/test', origin: 'new' }).runId;
    folder = workspaceDir(app, runId);
    mkdirSync(folder, { recursive: true });
    workspace = sandbox.workspace(runId, { workspaceFolder: folder });
  });

  afterAll(async () => {
    jobs?.disconnect();
    await sandbox?.release(runId).catch(() => undefined);
    await removeJobContainers(docker, homeHash(home.paths.root)).catch(() => undefined);
    await app?.shutdown().catch(() => undefined);
    home?.remove();
  });

  it('names the user for a uid the image does not know', async () => {
    expect(await run("id -u; echo $USER $LOGNAME $HOME; python3 -c 'import getpass; print(getpass.getuser())'")).toBe(
      '4242\nlooplab looplab /tmp\nlooplab\n[exit 0]',
    );
  });

  it('keeps a pip install under the workspace, where a later job finds the package and its script', async () => {
    const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
    const wheel = '/tmp/tinypkg-0.1-py3-none-any.whl';
    expect(await run(`python3 -c ${quote(WHEEL_SCRIPT)} ${wheel} ${quote(TINY_WHEEL)}`)).toBe('[exit 0]');
    const installed = await run('pip install --no-index --no-warn-script-location /tmp/tinypkg-0.1-py3-none-any.whl');
    expect(installed).toMatch(/Successfully installed tinypkg-0\.1\n\[exit 0\]$/);
    expect(existsSync(join(folder, '.local/bin/tiny-hello'))).toBe(true);
    expect(await job('tiny-hello; python3 -c "import tinypkg, sys; print(tinypkg.__file__)"')).toBe(
      'tiny says hello\n/workspace/.local/lib/python3.11/site-packages/tinypkg.py\n',
    );
  });

  it('shares the data folder’s Hugging Face cache between commands and jobs, outside the workspace', async () => {
    expect(await run('echo $HF_HOME; mkdir -p $HF_HOME/hub && echo weights > $HF_HOME/hub/model.bin')).toBe(
      '/cache/huggingface\n[exit 0]',
    );
    expect(readFileSync(join(home.paths.root, 'hf-cache/hub/model.bin'), 'utf8')).toBe('weights\n');
    expect(await job('cat $HF_HOME/hub/model.bin; echo more >> $HF_HOME/hub/model.bin')).toBe('weights\n');
    expect(readFileSync(join(home.paths.root, 'hf-cache/hub/model.bin'), 'utf8')).toBe('weights\nmore\n');
    expect(existsSync(join(folder, '.cache'))).toBe(false);
  });

  it('gives a job its own limits, thread counts sized to its CPUs, a roomy /dev/shm and a day to run', async () => {
    // settings.json (here: 1 CPU, 768 MB) under no spec and no job_start arguments.
    const fromSettings = await containerOf({});
    expect(fromSettings.limits).toEqual({
      Memory: 768 * 1024 ** 2,
      NanoCpus: 1e9,
      PidsLimit: 4096,
      ShmSize: 384 * 1024 ** 2,
    });
    // No timeout given anywhere: the job may run for a day (the engine's own kill comes 30 s later).
    expect(fromSettings.labels['dev.looplab.job.timeout']).toBe(String(DEFAULT_JOB_TIMEOUT_SECONDS));
    expect(fromSettings.cmd.slice(0, 3)).toEqual(['timeout', '--signal=KILL', `${24 * 3600 + 30}s`]);
    const asked = await containerOf({
      resources: { memoryMb: 1024, shmMb: 256, cpus: 2, pids: 100 },
      timeoutSeconds: 7200,
    });
    expect(asked.limits).toEqual({ Memory: 1024 ** 3, NanoCpus: 2e9, PidsLimit: 100, ShmSize: 256 * 1024 ** 2 });
    expect(asked.cmd.slice(0, 3)).toEqual(['timeout', '--signal=KILL', '7230s']);

    const probe =
      "echo $OMP_NUM_THREADS $MKL_NUM_THREADS $TOKENIZERS_PARALLELISM; df -B1M --output=size /dev/shm | tail -1 | tr -d ' '";
    expect(await job(probe)).toBe('1 1 false\n384\n');
    expect(await job(probe, { resources: { cpus: 2, shmMb: 256 } })).toBe('2 2\n256\n');
  });

  it('loads Ollama’s models again when a GPU job found after a restart ends, its torch check first in its log', async () => {
    const ollama: FakeServer = await startOllamaServer({ loaded: [] });
    const adopting = new JobService({
      sandbox,
      log: app.store,
      user: USER,
      gpuMemory: createOllamaGpuGuard({ host: ollama.url }),
    });
    try {
      const jobId = 'job_adopted1';
      await prepareJobFolders(folder, USER);
      const spec = jobContainerSpec({
        jobId,
        runId,
        homeHash: sandbox.homeHash,
        callId: undefined,
        command: 'ulimit -l; ulimit -s; echo trained',
        gpu: true,
        ollamaModels: ['qwen2.5-coder:7b'],
        timeoutSeconds: 600,
        startedAt: Date.now(),
        shmBytes: 64 * 1024 ** 2,
        image: CI_IMAGE,
        workspaceFolder: folder,
        network: 'none',
        user: USER,
        limits: { memoryBytes: 512 * 1024 ** 2, cpus: 1, pids: 256, tmpBytes: 64 * 1024 ** 2, diskReserveBytes: 0 },
      });
      // This engine has no NVIDIA runtime: the container is made as a GPU job's, less the device request.
      const { DeviceRequests: _none, ...hostConfig } = spec.HostConfig!;
      const notes: string[] = [];
      await createJobContainer(docker, { ...spec, HostConfig: hostConfig }, CI_IMAGE, true, (text) => notes.push(text));
      await adopting.reattach();
      await adopting.settled(jobId);
      expect(ollama.requests.map((request) => [request.path, request.body])).toEqual([
        ['/api/generate', { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: '5m', stream: false }],
      ]);
      // An engine that may raise memlock gives what NVIDIA's containers ask for; one that may not (rootless,
      // or itself in a container) gives its own, and the job was told.
      const memlock = notes.length === 0 ? 'unlimited' : expect.not.stringMatching(/^unlimited$/);
      expect(notes).toEqual(
        notes.length === 0
          ? []
          : ['the Docker engine may not raise the memlock limit: pinned memory stays within the engine’s own limit'],
      );
      expect(readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8').split('\n')).toEqual([
        '[looplab] this job asked for the GPU; torch cannot be imported here (ModuleNotFoundError), so the GPU was not checked',
        memlock,
        '65536',
        'trained',
        expect.stringMatching(/^\[looplab\] exit code 0 after /),
        '[looplab] loaded qwen2.5-coder:7b again',
        '',
      ]);
    } finally {
      adopting.disconnect();
      await ollama.close();
    }
  });

  it('runs a GPU job in the CUDA image, and without one stops saying what to build', async () => {
    const service = (cudaImage: string) =>
      new JobService({
        sandbox: new SandboxManager({ home: home.paths.root, fallbackToBase: true, cudaImage, user: USER }),
        log: app.store,
        user: USER,
      });
    const placement = { runId, workspaceFolder: folder };
    await expect(
      service('looplab-sandbox:not-built-cuda').start(placement, { command: 'python3 train.py', gpu: true }),
    ).rejects.toThrow(
      'This job asked for the GPU, but the CUDA sandbox image looplab-sandbox:not-built-cuda is not built: in the CPU image, torch would see no GPU.',
    );
    // The CI image standing in for a built CUDA image: chosen, and then refused only for want of a GPU here.
    const withCuda = service(CI_IMAGE).start(placement, { command: 'python3 train.py', gpu: true });
    await expect(withCuda).rejects.toThrow(/no NVIDIA GPU support|could not select device driver/);
  });
});
