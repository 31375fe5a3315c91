// Jobs through the agent loop, as a run builds it (createRunLoop: the run's tools include the job tools):
// a scripted model starts a real training job, waits for it with job_status and answers with its result,
// against the real sandbox; and a GPU job asks the person first, by default.
import Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../src/main/core/model';
import type { ApprovalGate, ApprovalRequest } from '../src/main/core/ports';
import { createRunLoop, workspaceDir } from '../src/main/runs/run-loop';
import { LABEL_JOB_HOME } from '../src/main/sandbox/jobs-spec';
import { formatMetric } from '../src/shared/format';
import { loopConfigSchema } from '../src/shared/loop-config';
import { buildGraph } from '../src/shared/run-graph';
import {
  ciImagePresent,
  copyTrainer,
  expectedTraining,
  jobContainers,
  missingImageMessage,
} from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { ScriptedModel, type Turn, unusedModels } from './helpers/scripted-model';
import { sandboxAppPerTest } from './helpers/sandbox-app';

const docker = new Docker();
const present = ciImagePresent();
const sandbox = sandboxAppPerTest('looplab-jobs-loop-');

const models = unusedModels;

function lastToolOutput(request: ModelRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
}

async function runScript(turns: Turn[], gate: ApprovalGate) {
  const config = loopConfigSchema.parse({ maxSteps: 10 });
  const runId = sandbox.app.store.createRun({
    goal: 'train a digit classifier',
    model: 'scripted/test',
    origin: 'new',
    config,
  }).runId;
  copyTrainer(workspaceDir(sandbox.app, runId));
  const model = new ScriptedModel(turns);
  const loop = createRunLoop({
    app: sandbox.app,
    runId,
    model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
    models,
    config,
    gate,
  });
  const outcome = await loop.run(new AbortController().signal);
  return { runId, outcome, model };
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('jobs in the agent loop', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  it('starts a training job, waits for it and reports its result', async () => {
    const command = 'python3 train-digits.py --epochs 5';
    let jobId = '';
    const { runId, outcome } = await runScript(
      [
        { calls: [{ name: 'job_start', args: { command, timeout: 300 } }] },
        (request) => {
          jobId = /Started (job_[a-z0-9]+)/.exec(lastToolOutput(request))![1]!;
          return { calls: [{ name: 'job_status', args: { job_id: jobId, wait: 120 } }] };
        },
        (request) => {
          const accuracy = /accuracy=([\d.]+)/.exec(lastToolOutput(request))![1];
          return { text: `Trained: test accuracy ${accuracy}. The model is outputs/model.pkl.` };
        },
      ],
      { decide: () => Promise.reject(new Error('nothing here needs approval')) },
    );
    expect(outcome).toEqual({ status: 'finished', reason: null });

    const events = sandbox.app.store.loadEvents(runId);
    const { history, metrics } = expectedTraining(workspaceDir(sandbox.app, runId), jobId);
    expect(
      events.map((event) => (event.type === 'tool.started' ? `${event.type} ${event.payload.tool}` : event.type)),
    ).toEqual([
      'run.created',
      'run.status',
      'workspace.snapshot',
      'model.started',
      'model.finished',
      'tool.started job_start',
      'job.started',
      'workspace.snapshot',
      'tool.finished',
      'model.started',
      'model.finished',
      'tool.started job_status',
      ...metrics.map(() => 'job.metric'),
      'artifact.recorded',
      'artifact.recorded',
      'workspace.snapshot',
      'job.finished',
      'tool.finished',
      'model.started',
      'model.finished',
      'run.status',
    ]);
    const startCall = events.find((event) => event.type === 'tool.started' && event.payload.tool === 'job_start');
    const callId = startCall?.type === 'tool.started' ? startCall.payload.callId : '';
    expect(events.find((event) => event.type === 'job.started')?.payload).toEqual({
      jobId,
      callId,
      command,
      gpu: false,
      timeoutSeconds: 300,
    });
    const statusOutput = events.filter((event) => event.type === 'tool.finished').at(-1)!.payload;
    expect(statusOutput).toMatchObject({
      isError: false,
      output: expect.stringMatching(
        new RegExp(
          `^${jobId}: succeeded \\(exit code 0\\) after .+\\ncommand: ${command}\\nmetrics: 6 lines; last step 4;`,
        ),
      ),
    });
    // The model read the last accuracy as job_status shows it (four significant digits).
    const finalAccuracy = formatMetric(history[4]!.accuracy);
    expect(events.at(-2)).toMatchObject({
      type: 'model.finished',
      payload: { text: `Trained: test accuracy ${finalAccuracy}. The model is outputs/model.pkl.` },
    });

    // The job hangs off the tool call that started it, in the graph.
    const graph = buildGraph(events);
    expect(graph.edges).toContainEqual({
      id: `tool:${callId}->job:${jobId}`,
      source: `tool:${callId}`,
      target: `job:${jobId}`,
      kind: 'next',
    });
    expect(await jobContainers(docker, { [LABEL_JOB_HOME]: sandbox.app.sandbox.homeHash })).toEqual([]);
  });

  it('asks the person before a GPU job, and starts nothing when they reject it', async () => {
    const asked: ApprovalRequest[] = [];
    const { runId, outcome } = await runScript(
      [
        { calls: [{ name: 'job_start', args: { command: 'python3 finetune.py', gpu: true } }] },
        (request) => ({ text: `Understood: ${lastToolOutput(request)}` }),
      ],
      {
        decide: async (request) => {
          asked.push(request);
          return { decision: 'rejected', feedback: 'the GPU is busy' };
        },
      },
    );
    expect(outcome.status).toBe('finished');
    expect(asked).toEqual([
      expect.objectContaining({
        tool: 'job_start',
        summary: 'job on the GPU: python3 finetune.py',
        rule: 'default for gpu tools',
      }),
    ]);
    const events = sandbox.app.store.loadEvents(runId);
    expect(events.filter((event) => event.type.startsWith('job.'))).toEqual([]);
    expect(events.at(-2)).toMatchObject({
      payload: { text: 'Understood: The person rejected this call: the GPU is busy' },
    });
  });
});
