// How a job ended, in the words its log and job.finished carry: cancelled, stopped for the disk's
// reserve, past its timeout, its container removed by something else, out of memory, or its exit code.
import type { JobDeadline } from './jobs-watches';
import { formatDuration, formatSize } from '../../shared/format';
import type { HandleEnd } from './jobs-handle';
import type { WatchedJob } from './jobs-watch';
import { diskReserveMessage } from './workspace-messages';

export type StopReason = 'cancelled' | 'timeout' | 'disk';

export interface Outcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  exitCode: number | null;
  note: string;
}

/** What the watcher knows once the job ended. */
export interface JobEnd {
  /** How it ended, as what ran it tells. */
  ended: HandleEnd;
  /** Why the watcher stopped it, if it did. */
  stopReason: StopReason | undefined;
  /** The free space when the disk guard stopped it. */
  freeWhenStopped: number;
  diskReserveBytes: number;
  memoryLimitBytes: number;
}

/** When the job's time is up. */
export function jobDeadline(job: WatchedJob): number {
  return job.startedAt + job.timeoutSeconds * 1000;
}

/** The job's status, exit code and the note its log ends with. */
export function jobOutcome(job: WatchedJob, ended: JobEnd): Outcome {
  const { ended: end, stopReason } = ended;
  if (stopReason === 'cancelled') return { status: 'cancelled', exitCode: null, note: 'cancelled' };
  if (stopReason === 'disk') {
    const why = diskReserveMessage(ended.freeWhenStopped, ended.diskReserveBytes);
    return { status: 'failed', exitCode: null, note: `killed: ${why}` };
  }
  const finishedAt = end.finishedAt ?? Date.now();
  if (stopReason === 'timeout' || finishedAt >= jobDeadline(job)) {
    const limit = formatDuration(job.timeoutSeconds * 1000);
    return { status: 'failed', exitCode: null, note: `killed: the job ran past its timeout of ${limit}` };
  }
  if (end.reason !== undefined) return { status: 'failed', exitCode: end.exitCode, note: end.reason };
  if (end.exitCode === null)
    return { status: 'failed', exitCode: null, note: 'the job’s container was removed by something else' };
  const { exitCode } = end;
  if (end.oomKilled === true && exitCode === 137) {
    const limit = formatSize(ended.memoryLimitBytes);
    return { status: 'failed', exitCode, note: `killed: the job ran out of memory (the limit is ${limit})` };
  }
  const elapsed = formatDuration(finishedAt - job.startedAt);
  return {
    status: exitCode === 0 ? 'succeeded' : 'failed',
    exitCode,
    note: `exit code ${exitCode} after ${elapsed}`,
  };
}

/** What a job's ETA watch measures against: the run's time budget or the job's own timeout, whichever ends first. */
export function watchDeadline(job: WatchedJob, runDeadline: number | undefined): JobDeadline {
  const own = jobDeadline(job);
  return runDeadline !== undefined && runDeadline < own
    ? { at: runDeadline, what: 'the run’s time budget' }
    : { at: own, what: 'the job’s timeout' };
}
