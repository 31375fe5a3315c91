// Jobs on a scheduler target (Slurm, Kubernetes): started through its backend with the same files here as
// a container job (its log, the outputs snapshot its artifacts are found by), the limits asked of the
// scheduler, and found again after a restart through the backend, which knows them by their names there.
import { closeSync, constants, ftruncateSync, readFileSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { EventDraft } from '../../shared/events';
import type { SandboxLimits } from './container-spec';
import type { FoundExternalJob, JobBackend, JobHandle } from './jobs-handle';
import { appendNote, countLoggedLines, jobFiles, prepareJobFolders, snapshotOutputs } from './jobs-files';
import { mergeJobResources, planJob, threadEnv, type JobPlan } from './jobs-resources';
import { RESUME_ENV, type Checkpoint } from './jobs-resume';
import { jobStatusOf, type JobStatus } from './jobs-status';
import type { JobPlacement, JobRequest, JobServiceOptions } from './jobs-types';
import type { WatchedJob, WatchResume } from './jobs-watch-types';
import { openInWorkspace } from './workspace-files';
import { watchedElsewhere, type FindContext } from './jobs-reattach';

/** The machine a scheduler's job is planned for when it names nothing: 2 CPUs and 6 GiB (3/4 of it) asked. */
const SCHEDULER_DEFAULT = { cpus: 2, memoryBytes: 8 * 1024 ** 3 };

/** The job's limits: the request's, the run's spec's, settings.json's, then the scheduler default. */
export function planElsewhere(
  options: Pick<JobServiceOptions, 'jobResources'>,
  placement: JobPlacement,
  request: Pick<JobRequest, 'resources' | 'timeoutSeconds'>,
  limits: SandboxLimits,
): JobPlan {
  const given = { ...request.resources, timeoutSeconds: request.timeoutSeconds };
  const merged = mergeJobResources(given, placement.jobs, options.jobResources?.());
  // The scheduler holds the job to what it asked for; the default machine only fills what was not said.
  const machine = { cpus: merged.cpus ?? SCHEDULER_DEFAULT.cpus, memoryBytes: SCHEDULER_DEFAULT.memoryBytes };
  return planJob(merged, machine, limits);
}

/** The environment a job gets there: thread pools sized to its CPUs, and where its checkpoint is. */
function jobEnv(job: WatchedJob, cpus: number, checkpoint: Checkpoint | undefined): Record<string, string> {
  const pairs = [
    ...threadEnv(cpus),
    'PYTHONUNBUFFERED=1',
    `LOOPLAB_JOB_ID=${job.jobId}`,
    ...(checkpoint === undefined ? [] : [`${RESUME_ENV}=${checkpoint.path}`]),
  ];
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** Where the count of log lines before this run of a job is kept (the scheduler keeps no label of ours). */
const logFromPath = (job: WatchedJob) => `${jobFiles(job.workspaceFolder, job.jobId).log}-from`;

function writeLogFrom(job: WatchedJob, lines: number): void {
  const fd = openInWorkspace(job.workspaceFolder, logFromPath(job), constants.O_WRONLY | constants.O_CREAT);
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, String(lines));
  } finally {
    closeSync(fd);
  }
}

function readLogFrom(job: WatchedJob): number {
  try {
    const fd = openInWorkspace(job.workspaceFolder, logFromPath(job), constants.O_RDONLY);
    try {
      const value = Number(readFileSync(fd, 'utf8'));
      return Number.isSafeInteger(value) && value > 0 ? value : 0;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/** Prepares the job's files here and starts it through the backend; undoes the files when that fails. */
export async function launchElsewhere(
  backend: JobBackend,
  job: WatchedJob,
  request: JobRequest,
  context: { user: string; plan: JobPlan; checkpoint?: Checkpoint | undefined },
): Promise<JobHandle> {
  const { plan, checkpoint } = context;
  const files = jobFiles(job.workspaceFolder, job.jobId);
  await prepareJobFolders(job.workspaceFolder, context.user);
  await snapshotOutputs(job.workspaceFolder, files);
  const note = (text: string) => appendNote(files, text);
  if (checkpoint !== undefined) {
    writeLogFrom(job, await countLoggedLines(files));
    note(`resuming from ${checkpoint.path} (${RESUME_ENV}=${checkpoint.path})`);
  }
  try {
    return await backend.launch({
      job,
      command: request.command,
      gpu: request.gpu,
      env: jobEnv(job, plan.limits.cpus, checkpoint),
      cpus: plan.limits.cpus,
      memoryBytes: plan.limits.memoryBytes,
      checkpoint,
      note,
    });
  } catch (error) {
    if (checkpoint === undefined) {
      await rm(files.log, { force: true });
      await rm(files.outputsSnapshot, { force: true });
    }
    throw error;
  }
}

/**
 * Whether this machine started the job in the workspace it names: its log is there. What a target says of
 * a job (its run, its workspace folder here) is not trusted: the job's own code can rewrite the files it is
 * kept in beside its workspace, and its end writes into that folder here.
 */
function startedHere(job: WatchedJob): boolean {
  try {
    closeSync(openInWorkspace(job.workspaceFolder, jobFiles(job.workspaceFolder, job.jobId).log, constants.O_RDONLY));
    return true;
  } catch {
    return false;
  }
}

export interface FoundElsewhere extends FoundExternalJob {
  status: JobStatus | undefined;
  resume: WatchResume;
  plan: { watches: JobStatus['watches']; firedBefore?: JobStatus['fired'][number]['watch'][] };
}

/**
 * This data folder's jobs on a scheduler target that no other live process watches and that were started
 * from here (see startedHere); those whose end is recorded are cleared up there. A job found again skips the log lines of this run already in its log
 * (lines after the last resume's note, for a resumed one) and the metric lines already recorded.
 */
export async function findElsewhere(backend: JobBackend, context: FindContext): Promise<FoundElsewhere[]> {
  const found: FoundElsewhere[] = [];
  for (const each of await backend.find(context.homeHash)) {
    const { jobId, runId } = each.job;
    if (watchedElsewhere(context, jobId) || !startedHere(each.job)) continue;
    const status = jobStatusOf(context.log.loadEvents(runId), jobId);
    if (status !== undefined && status.state !== 'running') {
      await each.handle.remove().catch(() => undefined);
      continue;
    }
    const logged = await countLoggedLines(jobFiles(each.job.workspaceFolder, jobId));
    const before = status !== undefined && status.resumes.length > 0 ? readLogFrom(each.job) : 0;
    const resume: WatchResume = {
      logLines: Math.max(0, logged - before),
      metricLines: status?.attemptMetricCount ?? 0,
      floorStep: status?.resumes.at(-1)?.fromStep,
    };
    const plan = { watches: status?.watches ?? [], firedBefore: status?.fired.map((fired) => fired.watch) };
    found.push({ ...each, status, resume, plan });
  }
  return found;
}

/** job.started for a job found there whose start was never recorded (the app died at once). */
export function startedElsewhere(job: WatchedJob, target: string): EventDraft {
  return {
    type: 'job.started',
    payload: { jobId: job.jobId, command: '', gpu: job.gpu, timeoutSeconds: job.timeoutSeconds, target },
  };
}
