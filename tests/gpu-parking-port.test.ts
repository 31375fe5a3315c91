// The parking decision of a run served by Ollama, over the GPU lease, a stand-in GPU inventory (CI has
// no GPU) and the fake Ollama server through the real `ollama` client: a local Ollama parks while a GPU
// job holds the GPU unless the free GPU memory fits its model; a remote one never parks; a parked loop
// wakes when the job ends or the person writes, and stops when the run is stopped.
import { afterEach, describe, expect, it } from 'vitest';
import { GpuLeases, type RecordedEvents } from '../src/main/runs/gpu-lease';
import { ollamaFootprint } from '../src/main/providers/ollama-footprint';
import { ollamaParking } from '../src/main/runs/gpu-parking';
import type { EventDraft, RunEvent } from '../src/shared/events';
import { fakeGpu, fakeGpuInventory } from './fakes/gpu-inventory';
import type { FakeServer } from './fakes/http-fake';
import { defaultOllamaModel, startOllamaServer } from './fakes/ollama-server';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An event log of its own: what is recorded reaches the lease as the store's appends do. */
function recordedEvents() {
  const listeners = new Set<(batch: { events: readonly RunEvent[] }) => void>();
  let seq = 0;
  const source: RecordedEvents = {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const record = (runId: string, draft: EventDraft) => {
    const event = { runId, seq: seq++, time: Date.now(), ...draft } as RunEvent;
    for (const listener of listeners) listener({ events: [event] });
  };
  return { source, record };
}

const model = defaultOllamaModel.name;
const started = (jobId: string, gpu: boolean): EventDraft => ({
  type: 'job.started',
  payload: { jobId, command: 'python3 train.py', gpu },
});
const finished = (jobId: string): EventDraft => ({
  type: 'job.finished',
  payload: { jobId, status: 'succeeded', exitCode: 0 },
});

async function parkingWith(freeGiB: number, loaded: { name: string; sizeVram: number }[] = []) {
  server = await startOllamaServer({ loaded });
  const log = recordedEvents();
  const leases = new GpuLeases(log.source);
  const inventory = fakeGpuInventory([fakeGpu(24, 24 - freeGiB)]);
  const footprint = ollamaFootprint(server.url, model);
  const parking = ollamaParking({ leases, inventory, host: server.url, model, footprint })!;
  return { log, leases, parking, signal: new AbortController().signal };
}

describe('parking the loop while a GPU job holds the GPU', () => {
  it('parks a local Ollama’s run only while a GPU job holds the GPU and its model does not fit beside it', async () => {
    const { log, parking, signal } = await parkingWith(2);
    expect(await parking.blocker(signal)).toBeUndefined();
    log.record('run_a', started('job_cpu', false));
    expect(await parking.blocker(signal)).toBeUndefined();
    log.record('run_a', started('job_gpu', true));
    expect(await parking.blocker(signal)).toEqual({
      jobId: 'job_gpu',
      reason: `job_gpu holds the GPU that serves ${model}; no model call until it ends`,
    });
    log.record('run_a', finished('job_gpu'));
    expect(await parking.blocker(signal)).toBeUndefined();
    // Deciding asked Ollama what is loaded and installed, and never loaded or called the model.
    expect(server!.requests.map((request) => request.path)).toEqual(['/api/ps', '/api/tags']);
  });

  it('does not park when the GPU’s free memory fits the model beside the job, or the model is loaded there', async () => {
    const roomy = await parkingWith(12);
    roomy.log.record('run_a', started('job_gpu', true));
    expect(await roomy.parking.blocker(roomy.signal)).toBeUndefined();
    await server!.close();

    const loaded = await parkingWith(0, [{ name: model, sizeVram: 4_683_087_332 }]);
    loaded.log.record('run_a', started('job_gpu', true));
    expect(await loaded.parking.blocker(loaded.signal)).toBeUndefined();
  });

  it('never parks a run whose Ollama is on another machine', () => {
    const leases = new GpuLeases(recordedEvents().source);
    const inventory = fakeGpuInventory([fakeGpu(24, 24)]);
    const host = 'http://gpu-box.example:11434';
    expect(ollamaParking({ leases, inventory, host, model, footprint: ollamaFootprint(host, model) })).toBeUndefined();
  });

  it('wakes when the job ends, when the person writes to the run, when a watch on the job fires, and at once for a job already ended', async () => {
    const { log, parking, signal } = await parkingWith(0);
    log.record('run_a', started('job_gpu', true));
    const ended = parking.wake('run_a', 'job_gpu', signal);
    log.record('run_b', { type: 'message.user', payload: { text: 'not this run', source: 'person' } });
    log.record('run_a', { type: 'message.user', payload: { text: 'a harness note', source: 'harness' } });
    log.record('run_a', finished('job_gpu'));
    expect(await ended).toBe('job-ended');
    expect(await parking.wake('run_a', 'job_gpu', signal)).toBe('job-ended');

    log.record('run_a', started('job_next', true));
    const person = parking.wake('run_a', 'job_next', signal);
    log.record('run_a', { type: 'message.user', payload: { text: 'stop training at epoch 3', source: 'person' } });
    expect(await person).toBe('person');

    log.record('run_a', started('job_watched', true));
    const watched = parking.wake('run_a', 'job_watched', signal);
    const fired = { kind: 'non_finite' as const, metric: 'loss' };
    log.record('run_a', { type: 'job.watch', payload: { jobId: 'job_other', watch: fired, message: 'loss is NaN' } });
    log.record('run_a', { type: 'job.watch', payload: { jobId: 'job_watched', watch: fired, message: 'loss is NaN' } });
    expect(await watched).toBe('watch-fired');
  });

  it('after a restart, a GPU job still running in a live run’s events holds the GPU again', () => {
    const leases = new GpuLeases(recordedEvents().source);
    const event = (seq: number, draft: EventDraft) => ({ runId: 'run_a', seq, time: seq, ...draft }) as RunEvent;
    leases.recover([event(0, started('job_done', true)), event(1, finished('job_done'))]);
    expect(leases.holder()).toBeUndefined();
    leases.recover([event(2, started('job_running', true))]);
    expect(leases.holder()).toEqual({ jobId: 'job_running', runId: 'run_a' });
  });

  it('lets a stop end the wait', async () => {
    const { log, parking } = await parkingWith(0);
    log.record('run_a', started('job_gpu', true));
    const controller = new AbortController();
    const waiting = parking.wake('run_a', 'job_gpu', controller.signal);
    controller.abort(new Error('stopped by the person'));
    await expect(waiting).rejects.toThrow('stopped by the person');
  });
});
