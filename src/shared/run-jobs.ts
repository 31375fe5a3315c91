// A run's jobs as its events tell them, for the jobs panel: each job's state, command, times and exit,
// its metric series (one per metric name, the GPU's sampled ones among them), its artifacts, what it is
// watched for and what fired, its progress and its resumes. Pure, so it folds the same events the same
// way wherever it runs.
import { previewText, type EventPayload, type RunEvent } from './events';
import type { JobResumePolicy, WatchRule } from './job-watches';

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
  /** Where it runs: `local`, or a target of settings.json. */
  target: string;
  state: RunJobState;
  exitCode: number | null;
  startedAt: number;
  endedAt: number | null;
  series: MetricSeries[];
  artifacts: JobArtifact[];
  watches: WatchRule[];
  resume: JobResumePolicy;
  /** Watches that fired, oldest first: what each saw, at which step, and its event (to select it). */
  fired: { watch: WatchRule; message: string; step: number | undefined; seq: number; time: number }[];
  /** The latest progress while it runs (`done/total`, seconds left at that pace, when it was told). */
  progress: (Omit<EventPayload<'job.progress'>, 'jobId'> & { time: number }) | undefined;
  /** Each resume from a checkpoint: by job_resume or by itself (`auto`). */
  resumes: { checkpoint: string; fromStep: number | undefined; auto: boolean; seq: number; time: number }[];
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
      const { jobId, callId, command, gpu, watches, resume, target } = event.payload;
      jobs.set(jobId, {
        jobId,
        callId,
        command: previewText(command, 100_000),
        gpu,
        target: target ?? 'local',
        state: 'running',
        exitCode: null,
        startedAt: event.time,
        endedAt: null,
        series: [],
        artifacts: [],
        watches: watches ?? [],
        resume: resume ?? 'manual',
        fired: [],
        progress: undefined,
        resumes: [],
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
      job.progress = undefined;
    }
    if (event.type === 'job.watch' || event.type === 'job.progress' || event.type === 'job.resumed')
      superviseJob(jobs.get(event.payload.jobId), event);
  }
  for (const job of jobs.values()) {
    job.series = [...(points.get(job.jobId) ?? [])].map(([name, list]) => toSeries(name, list, job.startedAt));
  }
  return [...jobs.values()];
}

/** What a job's watches, progress and resumes add to it. */
function superviseJob(job: RunJob | undefined, event: RunEvent): void {
  if (job === undefined) return;
  const { seq, time } = event;
  if (event.type === 'job.watch') {
    const { watch, message, step } = event.payload;
    job.fired.push({ watch, message, step, seq, time });
  } else if (event.type === 'job.progress') {
    const { done, total, etaSeconds } = event.payload;
    job.progress = { done, total, etaSeconds, time };
  } else if (event.type === 'job.resumed') {
    const { checkpoint, fromStep, auto } = event.payload;
    job.resumes.push({ checkpoint, fromStep, auto, seq, time });
    Object.assign(job, { state: 'running', exitCode: null, endedAt: null });
  }
}

/** The job a graph node stands for (`job:<id>`), if it is one. */
export function jobIdOfNode(nodeId: string | null | undefined): string | undefined {
  return nodeId?.startsWith('job:') === true ? nodeId.slice('job:'.length) : undefined;
}
