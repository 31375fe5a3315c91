// Finding a data folder's jobs again on an engine (after a restart, or once a cut link is back): its job
// containers by label, those whose end is already recorded (or that make no sense) removed, the others
// handed back with the job, its container and its status, to be watched again.
import type Docker from 'dockerode';
import type { RunLog } from '../core/ports';
import {
  inspectJobContainer,
  listJobContainers,
  removeJobContainer,
  watchedJob,
  type JobContainerInfo,
} from './jobs-containers';
import { LABEL_JOB } from './jobs-spec';
import { jobStatusOf, type JobStatus } from './jobs-status';
import type { JobLeases } from './jobs-types';
import type { WatchedJob } from './jobs-watch';

export interface FoundJob {
  job: WatchedJob;
  info: JobContainerInfo;
  /** Undefined when its start was never recorded (the app died at once). */
  status: JobStatus | undefined;
}

export interface FindContext {
  homeHash: string;
  log: Pick<RunLog, 'loadEvents'>;
  leases: JobLeases | undefined;
  /** This process watches it, or is starting it. */
  handled(jobId: string): boolean;
}

/** Whether this process, or another live one, watches the job already (or this one is starting it). */
export function watchedElsewhere(context: FindContext, jobId: string): boolean {
  if (context.handled(jobId)) return true;
  const owner = context.leases?.liveOwner(jobId);
  return owner !== undefined && owner !== process.pid;
}

/** The running jobs of this data folder on an engine that no other live process watches. */
export async function findJobs(docker: Docker, context: FindContext): Promise<FoundJob[]> {
  const found: FoundJob[] = [];
  for (const container of await listJobContainers(docker, context.homeHash)) {
    const jobId = container.Labels?.[LABEL_JOB];
    if (jobId === undefined || watchedElsewhere(context, jobId)) continue;
    const info = await inspectJobContainer(docker, container.Id);
    const job = info === undefined ? undefined : watchedJob(info, jobId);
    const status = job === undefined ? undefined : jobStatusOf(context.log.loadEvents(job.runId), jobId);
    if (info === undefined || job === undefined || (status !== undefined && status.state !== 'running')) {
      await removeJobContainer(docker, container.Id);
      continue;
    }
    found.push({ job, info, status });
  }
  return found;
}
