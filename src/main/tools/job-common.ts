// What the job tools share: the job service they drive (as an interface, so a host can run jobs
// anywhere), the job id argument, and how a job's status reads for the model.
import { z } from 'zod';
import { AppError, formatError } from '../../shared/errors';
import { formatDuration, formatMetric, formatSize } from '../../shared/format';
import { WorkspaceError } from '../core/tool';
import type { JobPlacement, JobService, JobStatus } from '../sandbox/jobs';
import { jobLogPath } from '../sandbox/jobs-spec';
import { describeWatch } from '../../shared/job-watches';

export type JobControl = Pick<JobService, 'start' | 'status' | 'waitFor' | 'logs' | 'cancel' | 'resume'>;

/** The run the tools act for: jobs of other runs are out of reach. */
export type JobTarget = JobPlacement;

export const jobIdInput = z
  .string()
  .regex(/^job_[a-z0-9]{1,64}$/, 'a job id as job_start returned it, e.g. job_0mh2x7k1qa4b8c2d9')
  .describe('The id job_start returned.');

/** Runs a job service call, turning its AppErrors into messages the model reads. */
export async function forModel<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw new WorkspaceError(formatError(error.toInfo()));
    throw error;
  }
}

function metricsLine(status: JobStatus): string {
  if (status.metricCount === 0) return 'metrics: none yet (print JSON lines such as {"step": 1, "loss": 0.5})';
  const values = Object.entries(status.lastMetrics)
    .map(([key, value]) => `${key}=${formatMetric(value)}`)
    .join(' ');
  const step = status.lastStep === undefined ? '' : `; last step ${status.lastStep}`;
  return `metrics: ${status.metricCount} line${status.metricCount === 1 ? '' : 's'}${step}; latest ${values}`;
}

export function describeStatus(status: JobStatus, now = Date.now()): string {
  const gpu = status.gpu ? ' on the GPU' : '';
  const elapsed = formatDuration((status.endedAt ?? now) - status.startedAt);
  const state =
    status.state === 'running'
      ? `running for ${elapsed}${gpu}`
      : `${status.state}${status.exitCode === null ? '' : ` (exit code ${status.exitCode})`} after ${elapsed}${gpu}`;
  const lines = [`${status.jobId}: ${state}`, `command: ${status.command}`, metricsLine(status)];
  if (status.artifacts.length > 0)
    lines.push(
      `artifacts: ${status.artifacts.map((artifact) => `${artifact.path} (${formatSize(artifact.bytes)})`).join(', ')}`,
    );
  lines.push(...supervisionLines(status));
  lines.push(`log: ${jobLogPath(status.jobId)}`);
  return lines.join('\n');
}

/** What the job is watched for and what fired, its progress and its resumes. */
function supervisionLines(status: JobStatus): string[] {
  const lines: string[] = [];
  const { progress, resumes, fired } = status;
  if (progress !== undefined && status.state === 'running')
    lines.push(
      `progress: ${progress.done}/${progress.total}, about ${formatDuration(progress.etaSeconds * 1000)} left`,
    );
  const last = resumes.at(-1);
  if (last !== undefined)
    lines.push(`resumed ${resumes.length === 1 ? 'once' : `${resumes.length} times`}; last from ${last.checkpoint}`);
  if (status.watches.length > 0) lines.push(`watches: ${status.watches.map(describeWatch).join('; ')}`);
  for (const each of fired) lines.push(`watch fired: ${each.message}`);
  return lines;
}
