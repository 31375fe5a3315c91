// Parking through the agent loop as a run builds it, against the real sandbox and the fake Ollama server
// (the real `ollama` client). CI has no GPU and its Docker engine no NVIDIA runtime, so the job is a
// plain container and a stand-in rule makes the GPU lease count every job as a GPU job; the GPU itself
// is a stand-in inventory with too little free memory for the model beside the job. While the job
// runs, not one model request reaches Ollama; the loop goes on within 2 s of the job's end. A run whose
// model is remote (not a local Ollama) does not park.
import { Ollama } from 'ollama';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalGate } from '../src/main/core/ports';
import { createOllamaProvider } from '../src/main/providers/ollama';
import { unloadGpuModels } from '../src/main/providers/ollama-gpu';
import { GpuLeases, type HoldsGpu } from '../src/main/runs/gpu-lease';
import type { ReadyModel } from '../src/main/runs/readiness';
import { createRunLoop } from '../src/main/runs/run-loop';
import type { JobService } from '../src/main/sandbox/jobs';
import type { RunEvent } from '../src/shared/events';
import { loopConfigSchema } from '../src/shared/loop-config';
import { ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { fakeGpu, fakeGpuInventory } from './fakes/gpu-inventory';
import type { CapturedRequest } from './fakes/http-fake';
import { defaultOllamaModel, startOllamaServer } from './fakes/ollama-server';
import type { ScriptedTurn } from './fakes/script';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { sandboxAppPerTest } from './helpers/sandbox-app';
import { ScriptedModel, unusedModels } from './helpers/scripted-model';

const present = ciImagePresent();
const sandbox = sandboxAppPerTest('looplab-gpu-parking-');

/** Test stand-in: CI cannot start a GPU container, so every job counts as the GPU job. */
const everyJobStandsInForTheGpuJob: HoldsGpu = () => true;

const noApprovals: ApprovalGate = { decide: () => Promise.reject(new Error('nothing here needs approval')) };
const JOB = 'sleep 3; echo trained';

/**
 * Test stand-in for a GPU job's start: the GPU guard first unloads the model from the local Ollama's
 * GPU memory (a plain container's start skips that), then the job starts.
 */
function unloadingFirst(jobs: JobService, ollamaHost: string): JobService {
  const standIn = Object.create(jobs) as JobService;
  standIn.start = async (placement, request) => {
    await unloadGpuModels(new Ollama({ host: ollamaHost }), () => undefined);
    return jobs.start(placement, request);
  };
  return standIn;
}

async function runLoop(model: ReadyModel, ollamaHost?: string) {
  const config = loopConfigSchema.parse({ maxSteps: 6 });
  const runId = sandbox.app.store.createRun({ goal: 'fine-tune', model: model.name, origin: 'new', config }).runId;
  const gpu = {
    leases: new GpuLeases(sandbox.app.store, everyJobStandsInForTheGpuJob),
    inventory: fakeGpuInventory([fakeGpu(24, 23)]),
  };
  const jobs = ollamaHost === undefined ? sandbox.app.jobs : unloadingFirst(sandbox.app.jobs, ollamaHost);
  const app = { ...sandbox.app, gpu, jobs };
  const loop = createRunLoop({ app, runId, model, models: unusedModels, config, gate: noApprovals });
  const outcome = await loop.run(new AbortController().signal);
  return { outcome, events: sandbox.app.store.loadEvents(runId) };
}

const only = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);

describe.skipIf(skipDocker || (!present && !dockerRequired))('parking the loop on a GPU job', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  it('makes no model call while the job holds the GPU, and wakes within 2 s of its end', async () => {
    const arrivals: { at: number; path: string }[] = [];
    const arrived = (turn: ScriptedTurn) => (request: CapturedRequest) => {
      arrivals.push({ at: Date.now(), path: request.path });
      return typeof turn === 'function' ? turn(request) : turn;
    };
    const server = await startOllamaServer({
      turns: [
        arrived({ toolCalls: [{ name: 'job_start', arguments: { command: JOB, timeout: 60 } }] }),
        arrived({ text: ['The job ended: trained.'] }),
      ],
    });
    try {
      const provider = createOllamaProvider({ host: server.url });
      const name = defaultOllamaModel.name;
      const model = { name: `ollama/${name}`, provider, model: name, info: await provider.check(name) };
      const { outcome, events } = await runLoop(model, server.url);
      expect(outcome).toEqual({ status: 'finished', reason: null });

      const [started] = only(events, 'job.started');
      const [parked] = only(events, 'loop.parked');
      const [finished] = only(events, 'job.finished');
      const [woke] = only(events, 'loop.woke');
      expect(parked?.payload).toEqual({
        jobId: started!.payload.jobId,
        reason: `${started!.payload.jobId} holds the GPU that serves ${name}; no model call until it ends`,
      });
      expect(woke?.payload).toEqual({ jobId: started!.payload.jobId, reason: 'job-ended' });
      expect(events.map((event) => event.type).slice(events.indexOf(parked!))).toEqual([
        'loop.parked',
        'workspace.snapshot',
        'job.finished',
        'loop.woke',
        'model.started',
        'model.finished',
        'run.status',
      ]);
      // The model was called twice, never loaded by a generate, and not once while parked.
      expect(server.requests.filter((request) => request.path === '/api/chat')).toHaveLength(2);
      const loads = server.requests.filter(
        (request) => request.path === '/api/generate' && (request.body as { keep_alive?: unknown }).keep_alive !== 0,
      );
      expect(loads).toEqual([]);
      const whileParked = arrivals.filter((arrival) => arrival.at >= parked!.time && arrival.at < finished!.time);
      expect(whileParked).toEqual([]);
      const wokeAfterMs = arrivals[1]!.at - finished!.time;
      expect(wokeAfterMs).toBeGreaterThanOrEqual(0);
      expect(wokeAfterMs).toBeLessThanOrEqual(2000);
      await sandbox.app.jobs.settled(started!.payload.jobId);
    } finally {
      await server.close();
    }
  });

  it('does not park a run whose model is not a local Ollama', async () => {
    const model = new ScriptedModel([
      { calls: [{ name: 'job_start', args: { command: 'sleep 60', timeout: 120 } }] },
      { text: 'Going on while the job trains.' },
    ]);
    const ready = { name: 'scripted/remote', provider: model, model: 'remote', info: await model.check() };
    const { outcome, events } = await runLoop(ready);
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(only(events, 'loop.parked')).toEqual([]);
    // Its second model call came while the job still ran.
    const secondCall = only(events, 'model.started')[1]!;
    expect(only(events, 'job.finished')).toEqual([]);
    expect(secondCall.seq).toBeGreaterThan(only(events, 'job.started')[0]!.seq);
  });
});
