// The GPU lease: which job holds this machine's GPUs. A GPU job takes the lease of every device when
// its start is recorded (Docker gives a GPU job all GPUs) and gives it back when its end is recorded,
// so the lease follows the event log, whoever records (the job tools, a reattached job's watcher).
// After a restart, the GPU jobs still running in the live runs' events hold it again.
import type { EventPayload, RunEvent } from '../../shared/events';

export interface GpuHolder {
  jobId: string;
  runId: string;
}

/** Where the lease hears of events as they are recorded (the event store). */
export interface RecordedEvents {
  subscribe(listener: (batch: { events: readonly RunEvent[] }) => void): () => void;
}

/** Which started jobs take the GPU. */
export type HoldsGpu = (started: EventPayload<'job.started'>) => boolean;

/** The product's rule: a job started with `gpu: true`. */
export const startedOnTheGpu: HoldsGpu = (started) => started.gpu;

export class GpuLeases {
  /** The holders, oldest first (two GPU jobs may overlap: both hold every device). */
  private readonly held = new Map<string, GpuHolder>();
  private readonly listeners = new Set<(event: RunEvent) => void>();

  constructor(
    events: RecordedEvents,
    private readonly holdsGpu: HoldsGpu = startedOnTheGpu,
  ) {
    events.subscribe((batch) => {
      for (const event of batch.events) {
        this.follow(event);
        for (const listener of [...this.listeners]) listener(event);
      }
    });
  }

  /** The job holding the GPUs (every device), the oldest where several do; undefined when they are free. */
  holder(): GpuHolder | undefined {
    return this.held.values().next().value;
  }

  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /** After a restart: the GPU jobs a live run's events show running hold the GPU again. */
  recover(events: readonly RunEvent[]): void {
    for (const event of events) this.follow(event);
  }

  /** Hears every event recorded from now on (a parked loop waits on them); returns how to stop. */
  listen(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private follow(event: RunEvent): void {
    if (event.type === 'job.started' && this.holdsGpu(event.payload))
      this.held.set(event.payload.jobId, { jobId: event.payload.jobId, runId: event.runId });
    if (event.type === 'job.finished') this.held.delete(event.payload.jobId);
  }
}
