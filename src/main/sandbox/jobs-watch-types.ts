// What a job's watcher is given and keeps: the job it follows, how far a watcher before it got, its log
// lines as they come, and what it needs of the app (jobs-watch.ts).
import type { EventDraft } from '../../shared/events';
import type { JobHandle } from './jobs-handle';
import type { RunLog } from '../core/ports';
import type { SupervisorDeps } from './jobs-supervisor';
import type { WatchSet } from './jobs-watches';

export interface WatchedJob {
  jobId: string;
  runId: string;
  containerName: string;
  workspaceFolder: string;
  gpu: boolean;
  startedAt: number;
  timeoutSeconds: number;
}

/**
 * How much of this run of the job's output a previous watcher already handled; after a resume from a
 * checkpoint, metric lines at or before `floorStep` (the last step recorded before it) are dropped.
 */
export interface WatchResume {
  logLines: number;
  metricLines: number;
  floorStep?: number | undefined;
}

export interface JobLogLine {
  runId: string;
  jobId: string;
  line: string;
}

export interface WatchDeps {
  /** The job where it runs. */
  handle: JobHandle;
  log: RunLog;
  memoryLimitBytes: number;
  /** The free space the workspace's disk keeps: a job that writes past it is stopped. */
  diskReserveBytes: number;
  onLog?: ((line: JobLogLine) => void) | undefined;
  /** After job.finished is recorded, before the job is cleared up (to give the GPU back). */
  onEnd(note: (text: string) => void): Promise<void>;
  /** Events to record just before job.finished (the workspace as the job left it). */
  beforeFinish?: (() => Promise<EventDraft[]>) | undefined;
  /** What the job's time cost on its target, when the target has a rate. */
  cost?: ((ms: number) => number | undefined) | undefined;
  /** The job's watches, progress and GPU sampling. */
  supervise?: { watches: WatchSet } & Omit<SupervisorDeps, 'record'>;
}
