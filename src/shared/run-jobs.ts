// A run's jobs as its events tell them, for the jobs panel: each job's state, command, times and exit,
// its metric series (one per metric name) and its artifacts. Pure, so it folds the same events the same
// way wherever it runs.
import { previewText, type RunEvent } from './events';

export type RunJobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * One metric over the job: x is the step when every point of it has one, else seconds since the job
 * started (a line without a step, such as a final test score, still draws).
 */
export interface MetricSeries {
  name: string;
  axis: 'step' | 'time';
  x: number[];
  y: number[];
}

export interface JobArtifact {
  path: string;
  bytes: number;
  seq: number;
}

export interface RunJob {
  jobId: string;
  callId: string | undefined;
  command: string;
  gpu: boolean;
  state: RunJobState;
  exitCode: number | null;
  startedAt: number;
  endedAt: number | null;
  series: MetricSeries[];
  artifacts: JobArtifact[];
}

interface Point {
  step: number | undefined;
  time: number;
  value: number;
}

function toSeries(name: string, points: readonly Point[], startedAt: number): MetricSeries {
  const byStep = points.every((point) => point.step !== undefined);
  return {
    name,
    axis: byStep ? 'step' : 'time',
    x: points.map((point) => (byStep ? point.step! : (point.time - startedAt) / 1000)),
    y: points.map((point) => point.value),
  };
}

export function reduceJobs(events: readonly RunEvent[]): RunJob[] {
  const jobs = new Map<string, RunJob>();
  const points = new Map<string, Map<string, Point[]>>();
  for (const event of events) {
    if (event.type === 'job.started') {
      const { jobId, callId, command, gpu } = event.payload;
      jobs.set(jobId, {
        jobId,
        callId,
        command: previewText(command, 100_000),
        gpu,
        state: 'running',
        exitCode: null,
        startedAt: event.time,
        endedAt: null,
        series: [],
        artifacts: [],
      });
      points.set(jobId, new Map());
      continue;
    }
    if (event.type === 'job.metric') {
      const series = points.get(event.payload.jobId);
      for (const [name, value] of Object.entries(event.payload.values)) {
        let list = series?.get(name);
        if (series !== undefined && list === undefined) series.set(name, (list = []));
        list?.push({ step: event.payload.step, time: event.time, value });
      }
      continue;
    }
    if (event.type === 'artifact.recorded' && event.payload.jobId !== undefined) {
      const { path, bytes } = event.payload;
      jobs.get(event.payload.jobId)?.artifacts.push({ path, bytes, seq: event.seq });
      continue;
    }
    if (event.type === 'job.finished') {
      const job = jobs.get(event.payload.jobId);
      if (job === undefined) continue;
      job.state = event.payload.status;
      job.exitCode = event.payload.exitCode;
      job.endedAt = event.time;
    }
  }
  for (const job of jobs.values()) {
    job.series = [...(points.get(job.jobId) ?? [])].map(([name, list]) => toSeries(name, list, job.startedAt));
  }
  return [...jobs.values()];
}

/** The job a graph node stands for (`job:<id>`), if it is one. */
export function jobIdOfNode(nodeId: string | null | undefined): string | undefined {
  return nodeId?.startsWith('job:') === true ? nodeId.slice('job:'.length) : undefined;
}
