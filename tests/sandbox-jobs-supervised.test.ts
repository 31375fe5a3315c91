// Supervised jobs on the real engine, with a stand-in for a Hugging Face Trainer run
// (fixtures/standin-trainer.py: it trains nothing, but prints metric lines and a progress bar and writes
// checkpoint-<step> folders as the Trainer does, with a NaN or a plateau on cue). A NaN watch fires and
// wakes the loop that waits on the job; a plateau watch fires; a job killed with `docker kill` resumes
// from its newest checkpoint (by job_resume, and by itself under resume: auto) with one metric series
// and no step recorded twice.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../src/main/core/model';
import { buildConversation } from '../src/main/core/conversation';
import { createRunLoop, workspaceDir } from '../src/main/runs/run-loop';
import { jobContainerName } from '../src/main/sandbox/jobs-spec';
import { jobResumeTool } from '../src/main/tools/job-resume';
import { jobWatchesSchema } from '../src/shared/job-watches';
import { loopConfigSchema } from '../src/shared/loop-config';
import { reduceJobs } from '../src/shared/run-jobs';
import { ciImagePresent, jobEvents, missingImageMessage, waitUntil } from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { sandboxAppPerTest } from './helpers/sandbox-app';
import { ScriptedModel, unusedModels } from './helpers/scripted-model';
import { jobToolContext } from './helpers/job-tool-context';

const docker = new Docker();
const present = ciImagePresent();
const sandbox = sandboxAppPerTest('looplab-jobs-supervised-');
const TRAINER = 'python3 standin-trainer.py';

function newRun(config = loopConfigSchema.parse({ maxSteps: 10 })) {
  const { app } = sandbox;
  const runId = app.store.createRun({ goal: 'fine-tune', model: 'scripted/test', origin: 'new', config }).runId;
  const folder = workspaceDir(app, runId);
  copyFileSync(new URL('./fixtures/standin-trainer.py', import.meta.url), join(folder, 'standin-trainer.py'));
  return { runId, folder };
}

const lastMessage = (request: ModelRequest) => request.messages[request.messages.length - 1];
const steps = (runId: string) =>
  jobEvents(sandbox.app.store, runId).flatMap((event) =>
    event.type === 'job.metric' && event.payload.step !== undefined ? [event.payload.step] : [],
  );

const range = (count: number) => Array.from({ length: count }, (_, step) => step);

async function killWhenPast(runId: string, jobId: string, step: number): Promise<void> {
  await waitUntil(() => steps(runId).some((seen) => seen >= step), `step ${step} recorded`);
  await docker.getContainer(jobContainerName(sandbox.app.sandbox.homeHash, jobId)).kill();
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('supervised jobs (stand-in trainer)', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  it('a NaN watch fires and wakes the loop waiting on the job, which reads what it saw', async () => {
    const { runId } = newRun();
    const command = `${TRAINER} --steps 2000 --delay 0.05 --nan-at 5`;
    const watches = [{ kind: 'non_finite', metric: 'loss' }];
    let jobId = '';
    const model = new ScriptedModel([
      { calls: [{ name: 'job_start', args: { command, watches } }] },
      (request) => {
        jobId = /Started (job_[a-z0-9]+)/.exec(lastMessage(request)!.content)![1]!;
        return { calls: [{ name: 'job_status', args: { job_id: jobId, wait: 600 } }] };
      },
      () => ({ text: 'stopping', calls: [{ name: 'job_cancel', args: { job_id: jobId } }] }),
      () => ({ text: 'The loss went NaN at step 5; cancelled.' }),
    ]);
    const config = loopConfigSchema.parse({ maxSteps: 10 });
    const loop = createRunLoop({
      app: sandbox.app,
      runId,
      model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
      models: unusedModels,
      config,
      gate: { decide: () => Promise.reject(new Error('nothing here needs approval')) },
    });
    expect(await loop.run(new AbortController().signal)).toEqual({ status: 'finished', reason: null });

    // job_status came back while the job still ran (it was cancelled after), saying why.
    const statusResult = lastMessage(model.requests[2]!)!;
    expect(statusResult).toMatchObject({ role: 'tool', toolName: 'job_status' });
    expect(statusResult.content).toMatch(
      new RegExp(
        `^Stopped waiting: a watch fired\\.\\n${jobId}: running for .+\\n(.|\\n)*watch fired: loss is NaN at step 5\\n`,
      ),
    );
    const events = sandbox.app.store.loadEvents(runId);
    // When the loop next runs, the model reads the watch as the harness's note, after that result.
    const conversation = buildConversation(events);
    const at = conversation.findIndex((message) => message.role === 'tool' && message.toolName === 'job_status');
    expect(conversation[at + 1]).toEqual({
      role: 'user',
      content: `[Looplab] Watch on ${jobId} fired: loss is NaN at step 5. The job goes on; job_status, job_logs or job_cancel.`,
    });
    const watch = events.find((event) => event.type === 'job.watch');
    expect(watch?.payload).toEqual({
      jobId,
      watch: { kind: 'non_finite', metric: 'loss' },
      message: 'loss is NaN at step 5',
      step: 5,
    });
    const finished = events.find((event) => event.type === 'job.finished');
    expect(finished?.payload).toEqual({ jobId, status: 'cancelled', exitCode: null });
    // The jobs panel's data has the watch and what it saw.
    expect(reduceJobs(events)[0]).toMatchObject({
      watches: [{ kind: 'non_finite', metric: 'loss' }],
      fired: [{ message: 'loss is NaN at step 5', step: 5, seq: watch!.seq }],
    });
  });

  it('a plateau watch fires when the eval loss stops improving', async () => {
    const { runId, folder } = newRun();
    const watches = jobWatchesSchema.parse([{ kind: 'plateau', metric: 'eval_loss', logs: 3, minDelta: 0.001 }]);
    const { jobId } = await sandbox.app.jobs.start(
      { runId, workspaceFolder: folder },
      { command: `${TRAINER} --steps 12 --plateau-from 6`, gpu: false, timeoutSeconds: 120, watches },
    );
    await sandbox.app.jobs.settled(jobId);
    const fired = jobEvents(sandbox.app.store, runId).filter((event) => event.type === 'job.watch');
    expect(fired).toEqual([
      {
        type: 'job.watch',
        payload: {
          jobId,
          watch: watches[0],
          message: 'eval_loss has not improved on 1.25 over 3 logs at step 9',
          step: 9,
        },
      },
    ]);
  });

  it('docker kill, then job_resume: the job goes on from its newest checkpoint, no step recorded twice', async () => {
    const { runId, folder } = newRun();
    const target = { runId, workspaceFolder: folder };
    const command = `${TRAINER} --steps 30 --save-every 5 --delay 0.2`;
    const { jobId } = await sandbox.app.jobs.start(target, { command, gpu: false, timeoutSeconds: 120 });
    await killWhenPast(runId, jobId, 12);
    await sandbox.app.jobs.settled(jobId);
    const killed = sandbox.app.jobs.status(runId, jobId);
    expect(killed).toMatchObject({ state: 'failed', exitCode: 137 });
    const lastStep = killed.lastStep!;

    const tool = jobResumeTool(sandbox.app.jobs, target);
    const resumed = await tool.run({ job_id: jobId }, jobToolContext(runId, 'call_resume'));
    expect(resumed.output).toBe(
      `Resumed ${jobId} from outputs/standin/checkpoint-${5 * Math.floor(lastStep / 5)} (LOOPLAB_RESUME_FROM=/workspace/outputs/standin/checkpoint-${5 * Math.floor(lastStep / 5)}). Metrics after step ${lastStep} are recorded. Follow it with job_status.`,
    );
    await waitUntil(() => sandbox.app.jobs.status(runId, jobId).state !== 'running', 'the resumed job to end');
    await sandbox.app.jobs.settled(jobId);

    expect(steps(runId)).toEqual(range(30));
    const events = jobEvents(sandbox.app.store, runId);
    expect(events.filter((event) => event.type === 'job.resumed' || event.type === 'job.finished')).toEqual([
      { type: 'job.finished', payload: { jobId, status: 'failed', exitCode: 137 } },
      {
        type: 'job.resumed',
        payload: {
          jobId,
          callId: 'call_resume',
          checkpoint: `outputs/standin/checkpoint-${5 * Math.floor(lastStep / 5)}`,
          fromStep: lastStep,
          auto: false,
        },
      },
      { type: 'job.finished', payload: { jobId, status: 'succeeded', exitCode: 0 } },
    ]);
    // The jobs panel draws one series per metric over the whole job.
    const [job] = reduceJobs(sandbox.app.store.loadEvents(runId));
    expect(job!.series.find((series) => series.name === 'loss')?.x).toEqual(range(30));
    expect(job).toMatchObject({ state: 'succeeded', resumes: [expect.objectContaining({ fromStep: lastStep })] });
  });

  it('resume: auto runs a killed job again by itself', async () => {
    const { runId, folder } = newRun();
    const command = `${TRAINER} --steps 24 --save-every 4 --delay 0.2`;
    const { jobId } = await sandbox.app.jobs.start(
      { runId, workspaceFolder: folder },
      { command, gpu: false, timeoutSeconds: 120, resume: 'auto' },
    );
    await killWhenPast(runId, jobId, 9);
    await waitUntil(
      () => jobEvents(sandbox.app.store, runId).some((event) => event.type === 'job.resumed'),
      'the job to resume by itself',
    );
    await waitUntil(() => sandbox.app.jobs.status(runId, jobId).state !== 'running', 'the resumed job to end');
    await sandbox.app.jobs.settled(jobId);
    expect(steps(runId)).toEqual(range(24));
    const resumedEvent = jobEvents(sandbox.app.store, runId).find((event) => event.type === 'job.resumed');
    expect(resumedEvent?.payload).toMatchObject({
      jobId,
      auto: true,
      checkpoint: expect.stringMatching(/checkpoint-(4|8|12)$/),
    });
    expect(sandbox.app.jobs.status(runId, jobId)).toMatchObject({ state: 'succeeded', exitCode: 0 });
  });
});
