// Jobs against the real Docker engine: a real scikit-learn training job whose JSON metric lines, output
// files and end become the run's events (and its node in the graph); cancel and timeout; a GPU job where
// the engine has no NVIDIA support, with the local Ollama's model unloaded and loaded again around it;
// jobs surviving the release of their run's sandbox; and nothing left on the engine after a job.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import type { ToolDefinition } from '../src/main/core/tool';
import { workspaceDir } from '../src/main/runs/run-loop';
import { LABEL_JOB, LABEL_JOB_HOME } from '../src/main/sandbox/jobs-spec';
import { createJobTools } from '../src/main/tools/job-tools';
import { buildGraph } from '../src/shared/run-graph';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import {
  CI_IMAGE,
  ciImagePresent,
  copyTrainer,
  engineHasNvidia,
  expectedTraining,
  jobContainers,
  jobEvents,
  missingImageMessage,
  removeJobContainers,
  waitUntil,
} from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';
import { jobToolContext } from './helpers/job-tool-context';

const docker = new Docker();
const present = ciImagePresent();
let home: TempHome;
let app: App;
let runId: string;
let folder: string;

function tools(): Record<string, ToolDefinition> {
  const list = createJobTools(app.jobs, { runId, workspaceFolder: folder });
  return Object.fromEntries(list.map((tool) => [tool.name, tool]));
}

/** What the model reads from one tool call: its output, or the message of the error it threw. */
async function call(name: string, input: unknown, callId = 'call_1'): Promise<string> {
  const tool = tools()[name]!;
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) return `invalid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`;
  try {
    return (await tool.run(parsed.data, jobToolContext(runId, callId))).output;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const jobIdIn = (output: string): string => /job_[a-z0-9]+/.exec(output)![0];

const logLines = (jobId: string): string[] =>
  readFileSync(join(folder, `.looplab/jobs/${jobId}.log`), 'utf8')
    .trimEnd()
    .split('\n');

describe.skipIf(skipDocker || (!present && !dockerRequired))('jobs', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  beforeEach(() => {
    home = makeTempHome('looplab-jobs-');
    process.env.LOOPLAB_SANDBOX_IMAGE = CI_IMAGE;
    app = createApp({ home: home.paths.root, ui: 'web' });
    runId = app.store.createRun({ goal: 'train a digit classifier', model: 'scripted/test', origin: 'new' }).runId;
    folder = workspaceDir(app, runId);
    copyTrainer(folder);
  });

  afterEach(async () => {
    await removeJobContainers(docker, app.sandbox.homeHash);
    await app.shutdown();
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    delete process.env.OLLAMA_HOST;
    home.remove();
  });

  it('runs a training job: its metric series, artifacts and end are the run’s events and its graph node', async () => {
    const command = 'python3 train-digits.py --epochs 8';
    const started = await call('job_start', { command, timeout: 300 }, 'call_train');
    const jobId = jobIdIn(started);
    expect(started).toBe(
      `Started ${jobId}: ${command}\nIts output goes to .looplab/jobs/${jobId}.log. Follow it with job_status (wait up to 600 s for it to end) and job_logs; stop it with job_cancel.`,
    );
    await app.jobs.settled(jobId);

    const { history, metrics } = expectedTraining(folder, jobId);
    expect(history.map((entry) => entry.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(history[7]!.accuracy).toBeGreaterThan(0.9); // it really learned
    const size = (path: string) => statSync(join(folder, path)).size;
    expect(jobEvents(app.store, runId)).toEqual([
      { type: 'job.started', payload: { jobId, callId: 'call_train', command, gpu: false, timeoutSeconds: 300 } },
      ...metrics,
      {
        type: 'artifact.recorded',
        payload: { path: 'outputs/history.json', bytes: size('outputs/history.json'), jobId },
      },
      { type: 'artifact.recorded', payload: { path: 'outputs/model.pkl', bytes: size('outputs/model.pkl'), jobId } },
      { type: 'job.finished', payload: { jobId, status: 'succeeded', exitCode: 0 } },
    ]);

    const node = buildGraph(app.store.loadEvents(runId)).nodes.find((candidate) => candidate.id === `job:${jobId}`);
    expect(node).toMatchObject({
      kind: 'job',
      label: command,
      status: 'done',
      metrics: {
        loss: history.map((entry) => entry.loss),
        accuracy: history.map((entry) => entry.accuracy),
        test_accuracy: [history[7]!.accuracy],
      },
    });

    // stdout and stderr reach the log as separate streams: each line once, in order within its stream.
    const lines = logLines(jobId);
    expect(lines.filter((line) => line.startsWith('epoch '))).toEqual(
      history.map((entry) => `epoch ${entry.step} done`),
    );
    expect(lines.filter((line) => !line.startsWith('epoch '))).toEqual([
      'training on 1347 digits, testing on 450',
      '{"note": "not a metric", "epochs": "many"}',
      ...history.map((entry) => JSON.stringify(entry).replaceAll(',', ', ').replaceAll(':', ': ')),
      `{"test_accuracy": ${history[7]!.accuracy}}`,
      expect.stringMatching(/^\[looplab\] exit code 0 after \d+(\.\d)? m?s$/),
    ]);

    expect(await call('job_status', { job_id: jobId })).toMatch(
      new RegExp(
        `^${jobId}: succeeded \\(exit code 0\\) after \\d+(\\.\\d)? m?s\\ncommand: ${command}\\nmetrics: 9 lines; last step 7; latest loss=[\\d.]+ accuracy=[\\d.]+ test_accuracy=[\\d.]+\\nartifacts: outputs/history.json \\(1 KB\\), outputs/model.pkl \\(\\d+ KB\\)\\nlog: .looplab/jobs/${jobId}.log$`,
      ),
    );
    expect(await call('job_logs', { job_id: jobId, tail: 2 })).toMatch(
      /^\{"test_accuracy": [\d.]+\}\n\[looplab\] exit code 0 after .+$/,
    );
    expect(await call('job_cancel', { job_id: jobId })).toMatch(
      new RegExp(`^${jobId} had already ended.\\n${jobId}: succeeded`),
    );
    expect(await jobContainers(docker, { [LABEL_JOB]: jobId })).toEqual([]);
  });

  it('records a failing job with its exit code, and tells the model about jobs it does not have', async () => {
    const jobId = jobIdIn(await call('job_start', { command: 'echo \'{"step": 0, "loss": 2.5}\'; exit 3' }));
    expect(await call('job_status', { job_id: jobId, wait: 60 })).toMatch(
      new RegExp(
        `^${jobId}: failed \\(exit code 3\\) after .+\\n.*\\nmetrics: 1 line; last step 0; latest loss=2.5\\n`,
      ),
    );
    expect(jobEvents(app.store, runId)).toEqual([
      {
        type: 'job.started',
        payload: {
          jobId,
          callId: 'call_1',
          command: 'echo \'{"step": 0, "loss": 2.5}\'; exit 3',
          gpu: false,
          timeoutSeconds: 86400,
        },
      },
      { type: 'job.metric', payload: { jobId, step: 0, values: { loss: 2.5 } } },
      { type: 'job.finished', payload: { jobId, status: 'failed', exitCode: 3 } },
    ]);
    expect(await call('job_status', { job_id: 'job_nothere' })).toBe(
      `error: This run has no job job_nothere.\nIts jobs: ${jobId}.`,
    );
    expect(await call('job_logs', { job_id: '../../etc/passwd' })).toBe(
      'invalid: a job id as job_start returned it, e.g. job_0mh2x7k1qa4b8c2d9',
    );
  });

  it('cancels a running job: it stops at once and is recorded as cancelled', async () => {
    // Uncancelled, the job would outlast the test's own timeout.
    const command = 'for i in $(seq 0 100000); do echo "{\\"step\\": $i, \\"x\\": 1}"; sleep 0.1; done';
    const jobId = jobIdIn(await call('job_start', { command }));
    await waitUntil(() => jobEvents(app.store, runId).length >= 3, 'two metrics');
    const cancelled = await call('job_cancel', { job_id: jobId });
    expect(cancelled).toMatch(new RegExp(`^Cancelled ${jobId}.\\n${jobId}: cancelled after .+\\n`));
    const events = jobEvents(app.store, runId);
    expect(events.at(-1)).toEqual({ type: 'job.finished', payload: { jobId, status: 'cancelled', exitCode: null } });
    const steps = events.flatMap((event) => (event.type === 'job.metric' ? [event.payload.step] : []));
    expect(steps).toEqual(steps.map((_, index) => index));
    expect(logLines(jobId).at(-1)).toBe('[looplab] cancelled');
    expect(await jobContainers(docker, { [LABEL_JOB]: jobId })).toEqual([]);
  });

  it('kills a job past its timeout and records it as failed', async () => {
    // Unkilled, the job would outlast the test's own timeout.
    const jobId = jobIdIn(await call('job_start', { command: 'echo started; sleep 600', timeout: 2 }));
    await app.jobs.settled(jobId);
    expect(jobEvents(app.store, runId).at(-1)).toEqual({
      type: 'job.finished',
      payload: { jobId, status: 'failed', exitCode: null },
    });
    expect(logLines(jobId)).toEqual(['started', '[looplab] killed: the job ran past its timeout of 2 s']);
    expect(await jobContainers(docker, { [LABEL_JOB]: jobId })).toEqual([]);
  });

  it.skipIf(engineHasNvidia())(
    'refuses a GPU job clearly where the engine has no NVIDIA support, giving Ollama its model back',
    async () => {
      const ollama: FakeServer = await startOllamaServer({
        loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 }],
      });
      process.env.OLLAMA_HOST = ollama.url;
      try {
        const tool = tools().job_start!;
        expect(tool.riskOf?.({ command: 'python3 train.py', gpu: true })).toBe('gpu');
        expect(tool.summarize({ command: 'python3 train.py', gpu: true })).toBe('job on the GPU: python3 train.py');
        expect(tool.summarize({ command: 'python3 train.py', timeout: 7200 })).toBe(
          'job (timeout 7200 s): python3 train.py',
        );
        expect(await call('job_start', { command: 'nvidia-smi', gpu: true })).toBe(
          'error: This job asked for the GPU, but the Docker engine here has no NVIDIA GPU support (could not select device driver "nvidia" with capabilities: [[gpu]]).\nInstall the NVIDIA driver and the NVIDIA Container Toolkit and restart Docker (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), or start the job without gpu.',
        );
        expect(ollama.requests.map((request) => [request.path, request.body])).toEqual([
          ['/api/ps', undefined],
          ['/api/generate', { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: 0, stream: false }],
          ['/api/ps', undefined],
          ['/api/generate', { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: '5m', stream: false }],
        ]);
      } finally {
        await ollama.close();
      }
      expect(jobEvents(app.store, runId)).toEqual([]);
      expect(readdirSync(join(folder, '.looplab/jobs'))).toEqual([]);
      expect(await jobContainers(docker, { [LABEL_JOB_HOME]: app.sandbox.homeHash })).toEqual([]);
    },
  );

  it('keeps a run’s jobs when the run’s sandbox is released or tidied away as an orphan', async () => {
    const sandbox = app.sandbox.workspace(runId, { workspaceFolder: folder });
    const signal = new AbortController().signal;
    expect((await sandbox.exec('echo sandbox', { timeoutMs: 10_000, signal })).output).toBe('sandbox\n');
    const jobId = jobIdIn(await call('job_start', { command: 'sleep 60' }));
    await app.sandbox.release(runId);
    expect(await app.sandbox.containerIds(runId)).toEqual([]);
    expect(await jobContainers(docker, { [LABEL_JOB]: jobId })).toHaveLength(1);
    await app.sandbox.reattach([]);
    expect(await jobContainers(docker, { [LABEL_JOB]: jobId })).toHaveLength(1);
    expect(existsSync(join(folder, '.looplab/jobs', `${jobId}.log`))).toBe(true);
    await call('job_cancel', { job_id: jobId });
    expect(await jobContainers(docker, { [LABEL_JOB_HOME]: app.sandbox.homeHash })).toEqual([]);
  });
});
