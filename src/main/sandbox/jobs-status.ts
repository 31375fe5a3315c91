// A job's state as its run's events tell it: what the job_status tool reports, whether this process
// watches the job or not (it may have finished while the app was away, or before a restart).
import { previewText, type RunEvent } from '../../shared/events';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobStatus {
  jobId: string;
  command: string;
  gpu: boolean;
  state: JobState;
  exitCode: number | null;
  startedAt: number;
  endedAt: number | null;
  metricCount: number;
  /** The last step reported, and the latest value of each metric. */
  lastStep: number | undefined;
  lastMetrics: Record<string, number>;
  artifacts: { path: string; bytes: number }[];
}

export function jobIdsOf(events: readonly RunEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'job.started' ? [event.payload.jobId] : []));
}

export function jobStatusOf(events: readonly RunEvent[], jobId: string): JobStatus | undefined {
  let status: JobStatus | undefined;
  for (const event of events) {
    if (event.type === 'job.started' && event.payload.jobId === jobId) {
      status = {
        jobId,
        command: previewText(event.payload.command, 100_000),
        gpu: event.payload.gpu,
        state: 'running',
        exitCode: null,
        startedAt: event.time,
        endedAt: null,
        metricCount: 0,
        lastStep: undefined,
        lastMetrics: {},
        artifacts: [],
      };
    }
    if (status === undefined || !('jobId' in event.payload) || event.payload.jobId !== jobId) continue;
    if (event.type === 'job.metric') {
      status.metricCount++;
      status.lastStep = event.payload.step ?? status.lastStep;
      Object.assign(status.lastMetrics, event.payload.values);
    }
    if (event.type === 'artifact.recorded')
      status.artifacts.push({ path: event.payload.path, bytes: event.payload.bytes });
    if (event.type === 'job.finished') {
      status.state = event.payload.status;
      status.exitCode = event.payload.exitCode;
      status.endedAt = event.time;
    }
  }
  return status;
}
