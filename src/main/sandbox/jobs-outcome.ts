// How a job ended, in the words its log and job.finished carry: cancelled, stopped for the disk's
// reserve, past its timeout, its container removed by something else, out of memory, or its exit code.
import type { JobDeadline } from './jobs-watches';
import { formatDuration, formatSize } from '../../shared/format';
import type { JobContainerInfo } from './jobs-containers';
import type { WatchedJob } from './jobs-watch';
import { diskReserveMessage } from './workspace-messages';

export type StopReason = 'cancelled' | 'timeout' | 'disk';

export interface Outcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  exitCode: number | null;
  note: string;
}

/** What the watcher knows once the container is gone. */
export interface JobEnd {
  /** The exit code the engine's wait gave; null when the container was gone. */
  waitCode: number | null;
  info: JobContainerInfo | undefined;
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
  const { waitCode, info, stopReason } = ended;
  if (stopReason === 'cancelled') return { status: 'cancelled', exitCode: null, note: 'cancelled' };
  if (stopReason === 'disk') {
    const why = diskReserveMessage(ended.freeWhenStopped, ended.diskReserveBytes);
    return { status: 'failed', exitCode: null, note: `killed: ${why}` };
  }
  const stopped = Date.parse(info?.State.FinishedAt ?? '');
  const finishedAt = Number.isNaN(stopped) ? Date.now() : stopped;
  if (stopReason === 'timeout' || finishedAt >= jobDeadline(job)) {
    const limit = formatDuration(job.timeoutSeconds * 1000);
    return { status: 'failed', exitCode: null, note: `killed: the job ran past its timeout of ${limit}` };
  }
  if (info === undefined && waitCode === null)
    return { status: 'failed', exitCode: null, note: 'the job’s container was removed by something else' };
  const exitCode = info?.State.ExitCode ?? waitCode ?? 0;
  if (info?.State.OOMKilled === true && exitCode === 137) {
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
