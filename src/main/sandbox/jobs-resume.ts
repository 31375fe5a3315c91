// Running an ended job again from the newest checkpoint it wrote: Hugging Face Trainer–style folders
// (`…/checkpoint-<step>/`) among its artifacts under /workspace/outputs that are still real folders. The
// job's own command runs again, unchanged, with LOOPLAB_RESUME_FROM set to the checkpoint's path in the
// container (the script passes it on, e.g. `trainer.train(resume_from_checkpoint=os.environ.get(...))`).
import type { JobContainerInfo } from './jobs-containers';
import { countLoggedLines, jobFiles } from './jobs-files';
import type { WatchedJob, WatchResume } from './jobs-watch';
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { openFolderInside } from '../fs/open-inside';
import type { JobStatus } from './jobs-status';
import type { Outcome } from './jobs-outcome';

export const RESUME_ENV = 'LOOPLAB_RESUME_FROM';
/** A job resumes by itself at most this many times, and each time from a newer checkpoint. */
export const MAX_AUTO_RESUMES = 3;

export interface Checkpoint {
  /** Relative to the workspace: `outputs/run1/checkpoint-400`. */
  path: string;
  step: number;
}

const CHECKPOINT = /^(.*\/)?checkpoint-(\d{1,15})\//;

/** The checkpoint folders among the job's artifacts, newest (highest step) first. */
export function checkpointsOf(artifacts: readonly { path: string }[]): Checkpoint[] {
  const found = new Map<string, number>();
  for (const { path } of artifacts) {
    const match = CHECKPOINT.exec(path);
    if (match !== null) found.set(`${match[1] ?? ''}checkpoint-${match[2]}`, Number(match[2]));
  }
  return [...found].map(([path, step]) => ({ path, step })).sort((a, b) => b.step - a.step);
}

function isRealFolder(workspaceFolder: string, path: string): boolean {
  try {
    openFolderInside(workspaceFolder, path).close();
    return true;
  } catch {
    return false;
  }
}

/** The newest checkpoint the job wrote that is still there; throws, saying why, when there is none. */
export function newestCheckpoint(status: JobStatus, workspaceFolder: string): Checkpoint {
  if (status.state === 'running')
    throw new AppError('conflict', `${status.jobId} is still running.`, 'Cancel it first, or wait for it to end.');
  if (status.fullCommand === undefined)
    throw new AppError('invalid_input', `${status.jobId}'s command is too long to run again.`, 'Start a new job.');
  const checkpoints = checkpointsOf(status.artifacts);
  const found = checkpoints.find((checkpoint) => isRealFolder(workspaceFolder, checkpoint.path));
  if (found !== undefined) return found;
  throw new AppError(
    'not_found',
    `${status.jobId} left no checkpoint to resume from${checkpoints.length > 0 ? ' (its checkpoint folders are gone)' : ''}.`,
    'A job resumes from the newest checkpoint-<step> folder it wrote under /workspace/outputs (as the Hugging Face Trainer does with output_dir there).',
  );
}

/**
 * Whether a job that ended this way resumes by itself: killed outright (out of memory, `docker kill`, the
 * machine restarting) or its container gone, under `resume: auto`, with a checkpoint newer than the last
 * resume's. A timeout, a cancel, the disk's reserve or an exit code of its own are the job's answer.
 */
export function autoResumeFrom(status: JobStatus, outcome: Outcome, workspaceFolder: string): Checkpoint | undefined {
  if (status.resume !== 'auto' || outcome.status !== 'failed') return undefined;
  if (outcome.note.startsWith('killed: the job ran past') || outcome.note.startsWith('killed: the disk'))
    return undefined;
  const killed = outcome.exitCode === 137 || outcome.exitCode === null;
  const auto = status.resumes.filter((resume) => resume.auto);
  if (!killed || auto.length >= MAX_AUTO_RESUMES) return undefined;
  try {
    const checkpoint = newestCheckpoint(status, workspaceFolder);
    const last = status.resumes.at(-1);
    return last !== undefined && last.checkpoint === checkpoint.path ? undefined : checkpoint;
  } catch {
    return undefined;
  }
}

/** The log's own lines when the job resumed: a watcher started again after a restart skips only those after. */
export const LABEL_JOB_LOG_FROM = 'dev.looplab.job.logfrom';

/** A resumed job's container: its command as before, told where the checkpoint is. */
export function resumedSpec(
  spec: Docker.ContainerCreateOptions,
  checkpoint: Checkpoint,
  logLines: number,
): Docker.ContainerCreateOptions {
  return {
    ...spec,
    Env: [...(spec.Env ?? []), `${RESUME_ENV}=/workspace/${checkpoint.path}`],
    Labels: { ...spec.Labels, [LABEL_JOB_LOG_FROM]: String(logLines) },
  };
}

/** How many of the log's lines came before this run of the job, by its container's label. */
export function logLinesBefore(labels: Record<string, string> | undefined): number {
  const value = Number(labels?.[LABEL_JOB_LOG_FROM] ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Where watching a job found after a restart picks up: the log lines of this run of it already read,
 * the metric lines already recorded, the step below which lines are dropped, and the watches that fired.
 */
export async function reattachPoint(job: WatchedJob, info: JobContainerInfo, status: JobStatus | undefined) {
  const logged = await countLoggedLines(jobFiles(job.workspaceFolder, job.jobId));
  const logLines = Math.max(0, logged - logLinesBefore(info.Config.Labels ?? undefined));
  const resume: WatchResume = {
    logLines,
    metricLines: status?.attemptMetricCount ?? 0,
    floorStep: status?.resumes.at(-1)?.fromStep,
  };
  const plan = { watches: status?.watches ?? [], firedBefore: status?.fired.map((fired) => fired.watch) };
  return { resume, plan };
}
