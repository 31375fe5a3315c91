// Parking: while a GPU job holds the GPU that also serves the run's own model, the loop makes no model
// call at all (each call would load the model back into the memory the job is using). Before each model
// call the loop asks its parking port whether it must wait, records `loop.parked`, waits for a wake
// (the job ended, a watch on it fired, the person acted) and records `loop.woke`; then it asks again.
import type { EventPayload } from '../../shared/events';
import type { LoopContext } from './loop-types';

export type WakeReason = EventPayload<'loop.woke'>['reason'];

export interface ParkingPort {
  /** What the loop must wait for before calling its model now, or undefined when it may call it. */
  blocker(signal: AbortSignal): Promise<EventPayload<'loop.parked'> | undefined>;
  /**
   * Resolves once the loop may look again: at once when the job no longer holds the GPU. Rejects when
   * the signal aborts (the person stopped the run).
   */
  wake(runId: string, jobId: string, signal: AbortSignal): Promise<WakeReason>;
}

/** Waits, parked, for as long as the port says the model must not be called. */
export async function waitWhileParked(loop: LoopContext, parking: ParkingPort, signal: AbortSignal): Promise<void> {
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const blocker = await parking.blocker(signal);
    if (blocker === undefined) return;
    loop.record([{ type: 'loop.parked', payload: blocker }]);
    const reason = await parking.wake(loop.runId, blocker.jobId, signal);
    loop.record([{ type: 'loop.woke', payload: { jobId: blocker.jobId, reason } }]);
  }
}
