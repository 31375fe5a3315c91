// The parking port of a run whose model is served by an Ollama on this machine: while a GPU job holds the
// GPU, the loop parks unless the GPU's free memory (from the inventory) fits the model beside the job.
// A run whose model is elsewhere (a remote provider, an Ollama on another machine) never parks.
import type { RunEvent } from '../../shared/events';
import type { ParkingPort, WakeReason } from '../core/parking';
import type { ModelFootprint } from '../providers/ollama-footprint';
import { isThisMachine } from '../providers/ollama-gpu';
import { freeBytes, type GpuInventory } from '../sandbox/gpu-inventory';
import type { GpuHolder, GpuLeases } from './gpu-lease';

export interface OllamaParkingOptions {
  leases: GpuLeases;
  inventory: GpuInventory;
  /** The run's Ollama and its model's name there. */
  host: string;
  model: string;
  /** What the model needs of GPU memory, as that Ollama tells it (throws when it does not answer). */
  footprint: () => Promise<ModelFootprint>;
  /** Resolves once every event recorded so far has reached the lease (the store publishes after its sync). */
  published?: () => Promise<void>;
}

/** The parking port of a run served by this Ollama, or undefined where its model is not on this machine. */
export function ollamaParking(options: OllamaParkingOptions): ParkingPort | undefined {
  if (!isThisMachine(options.host)) return undefined;
  const { leases, model } = options;
  return {
    blocker: async () => {
      await options.published?.();
      const holder = leases.holder();
      if (holder === undefined || (await fitsBeside(options))) return undefined;
      return { jobId: holder.jobId, reason: parkedReason(holder, model) };
    },
    wake: (runId, jobId, signal) => wakeOf(leases, runId, jobId, signal),
  };
}

function parkedReason(holder: GpuHolder, model: string): string {
  return `${holder.jobId} holds the GPU that serves ${model}; no model call until it ends`;
}

/**
 * Whether the model fits in GPU memory beside the job: it is loaded on the GPU already, or the GPUs'
 * free memory holds its size (as loaded, else as installed). Unknown (Ollama or the GPUs not answering,
 * no GPU reported) counts as not fitting: parking costs nothing but time.
 */
async function fitsBeside({ footprint, inventory }: OllamaParkingOptions): Promise<boolean> {
  try {
    const { onGpu, bytes } = await footprint();
    if (onGpu) return true;
    const devices = await inventory.devices();
    return bytes !== undefined && bytes > 0 && devices.length > 0 && freeBytes(devices) >= bytes;
  } catch {
    return false;
  }
}

/** Whether the event is a fired watch on the job: it wakes a loop parked on that job. */
export function firedWatch(event: RunEvent, jobId: string): boolean {
  return event.type === 'job.watch' && event.payload.jobId === jobId;
}

/** Resolves with why the parked loop may go on; at once when the job no longer holds the GPU. */
function wakeOf(leases: GpuLeases, runId: string, jobId: string, signal: AbortSignal): Promise<WakeReason> {
  return new Promise((resolve, reject) => {
    const reasonOf = (event: RunEvent): WakeReason | undefined => {
      if (event.type === 'job.finished' && event.payload.jobId === jobId) return 'job-ended';
      if (firedWatch(event, jobId)) return 'watch-fired';
      if (event.runId === runId && event.type === 'message.user' && event.payload.source === 'person') return 'person';
      return undefined;
    };
    const end = (settle: () => void) => {
      unlisten();
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => end(() => reject(signal.reason));
    const unlisten = leases.listen((event) => {
      const reason = reasonOf(event);
      if (reason !== undefined) end(() => resolve(reason));
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (!leases.holds(jobId)) end(() => resolve('job-ended'));
  });
}
