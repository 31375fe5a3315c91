// A job's state as its run's events tell it: what the job_status tool reports, whether this process
// watches the job or not (it may have finished while the app was away, or before a restart).
import { AppError } from '../../shared/errors';
import { previewText, type EventPayload, type RunEvent } from '../../shared/events';
import type { JobResumePolicy, WatchRule } from '../../shared/job-watches';
import { LOCAL_TARGET } from '../../shared/targets';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobStatus {
  jobId: string;
  command: string;
  gpu: boolean;
  /** The compute target it runs on: `local`, or a target of settings.json. */
  target: string;
  state: JobState;
  exitCode: number | null;
  startedAt: number;
  endedAt: number | null;
  metricCount: number;
  /** The last step reported, and the latest value of each metric. */
  lastStep: number | undefined;
  lastMetrics: Record<string, number>;
  artifacts: { path: string; bytes: number }[];
  /** The command to run again on a resume; undefined when it was stored as a blob (too long to keep inline). */
  fullCommand: string | undefined;
  timeoutSeconds: number | undefined;
  watches: WatchRule[];
  resume: JobResumePolicy;
  /** The watches that fired since it last started or resumed, in order, with what each saw. */
  fired: { watch: WatchRule; message: string; seq: number }[];
  /** The latest progress the job reported, with its estimated time left. */
  progress: EventPayload<'job.progress'> | undefined;
  /** Its resumes from a checkpoint, oldest first. */
  resumes: EventPayload<'job.resumed'>[];
  /** Metric lines of its output since it last started or resumed (what a watcher started again skips). */
  attemptMetricCount: number;
}

export function jobIdsOf(events: readonly RunEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'job.started' ? [event.payload.jobId] : []));
}

export function jobStatusOf(events: readonly RunEvent[], jobId: string): JobStatus | undefined {
  let status: JobStatus | undefined;
  for (const event of events) {
    if (event.type === 'job.started' && event.payload.jobId === jobId) {
      status = startedStatus(event);
      continue;
    }
    if (status === undefined || !('jobId' in event.payload) || event.payload.jobId !== jobId) continue;
    applyJobEvent(status, event);
  }
  return status;
}

function startedStatus(event: Extract<RunEvent, { type: 'job.started' }>): JobStatus {
  const { jobId, command, gpu, watches, resume, timeoutSeconds, target } = event.payload;
  return {
    jobId,
    command: previewText(command, 100_000),
    gpu,
    target: target ?? LOCAL_TARGET,
    state: 'running',
    exitCode: null,
    startedAt: event.time,
    endedAt: null,
    metricCount: 0,
    lastStep: undefined,
    lastMetrics: {},
    artifacts: [],
    fullCommand: typeof command === 'string' ? command : undefined,
    timeoutSeconds,
    watches: watches ?? [],
    resume: resume ?? 'manual',
    fired: [],
    progress: undefined,
    resumes: [],
    attemptMetricCount: 0,
  };
}

function applyJobEvent(status: JobStatus, event: RunEvent): void {
  switch (event.type) {
    case 'job.metric':
      Object.assign(status.lastMetrics, event.payload.values);
      if (event.payload.source === 'gpu') return;
      status.metricCount++;
      status.attemptMetricCount++;
      status.lastStep = event.payload.step ?? status.lastStep;
      return;
    case 'job.watch':
      status.fired.push({ watch: event.payload.watch, message: event.payload.message, seq: event.seq });
      return;
    case 'job.progress':
      status.progress = event.payload;
      return;
    case 'job.resumed':
      status.resumes.push(event.payload);
      Object.assign(status, { state: 'running', exitCode: null, endedAt: null, attemptMetricCount: 0 });
      status.progress = undefined;
      status.fired = [];
      return;
    case 'artifact.recorded':
      status.artifacts.push({ path: event.payload.path, bytes: event.payload.bytes });
      return;
    case 'job.finished':
      status.state = event.payload.status;
      status.exitCode = event.payload.exitCode;
      status.endedAt = event.time;
      return;
    default:
  }
}

/** The job as the run's events tell it; throws, naming the run's jobs, when it has no such job. */
export function requireJobStatus(events: readonly RunEvent[], jobId: string): JobStatus {
  const status = jobStatusOf(events, jobId);
  if (status !== undefined) return status;
  const ids = jobIdsOf(events);
  throw new AppError(
    'not_found',
    `This run has no job ${jobId}.`,
    ids.length === 0 ? 'Start one with job_start.' : `Its jobs: ${ids.join(', ')}.`,
  );
}
