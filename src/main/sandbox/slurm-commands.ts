// What a Slurm job is on the cluster, as text: the shell commands sent to its login node (every value
// quoted, none trusted), the batch script sbatch runs, and strict parsers of what squeue, sacct, scontrol
// and sinfo answer. Nothing here runs anything; slurm-ssh.ts sends these, slurm-handle.ts uses them.
import { z } from 'zod';
import type { SlurmTarget } from '../../shared/targets';
import type { HandleEnd } from './jobs-handle';
import type { WatchedJob } from './jobs-watch-types';
import { shellQuote } from './shell-quote';

/** A path for the shell over there: `~/x` stays under the user's home, everything else is quoted. */
export function remotePath(path: string): string {
  if (path === '~') return '"$HOME"';
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/** A job's folder name: the container name Looplab gives it (letters, digits, `._-`), nothing else. */
const folderSchema = z.string().regex(/^looplab-job-[0-9a-f]{8}-[A-Za-z0-9_.-]{1,200}$/);
/** A Slurm job id as sbatch --parsable prints it (`42`, or `42;cluster`). */
export const slurmIdSchema = z.string().regex(/^\d{1,12}$/);

/** Where a job's files are on the cluster: its folder (workspace/, job.sh, job.log, job.json, slurm-id). */
export interface JobPaths {
  /** The folder, as a shell word. */
  dir: string;
  /** The folder's name under the workdir. */
  name: string;
}

export function jobPaths(target: SlurmTarget, containerName: string): JobPaths {
  const name = folderSchema.parse(containerName);
  const workdir = (target.workdir ?? '~/.looplab/jobs').replace(/\/+$/, '');
  return { dir: `${remotePath(workdir)}/${shellQuote(name)}`, name };
}

/** What the job's folder keeps of it (job.json, and sbatch's --comment in base64), to find it again. */
export const jobMetaSchema = z
  .object({
    jobId: z.string().min(1).max(200),
    runId: z.string().min(1).max(200),
    containerName: folderSchema,
    workspaceFolder: z.string().min(1).max(4096),
    gpu: z.boolean(),
    startedAt: z.number().int().nonnegative(),
    timeoutSeconds: z.number().int().positive(),
  })
  .strict();

export function jobMeta(job: WatchedJob): WatchedJob {
  return jobMetaSchema.parse({
    jobId: job.jobId,
    runId: job.runId,
    containerName: job.containerName,
    workspaceFolder: job.workspaceFolder,
    gpu: job.gpu,
    startedAt: job.startedAt,
    timeoutSeconds: job.timeoutSeconds,
  });
}

export interface BatchRequest {
  job: WatchedJob;
  command: string;
  env: Record<string, string>;
  cpus: number;
  memoryBytes: number;
  gpu: boolean;
}

const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/);

/** The line that runs the command in the target's runtime, from the job's workspace folder. */
function runLine(target: SlurmTarget, request: BatchRequest, workspace: string): string[] {
  const command = shellQuote(request.command);
  const runtime = target.runtime;
  switch (runtime.kind) {
    case 'python':
      return [...(runtime.activate === undefined ? [] : [runtime.activate]), `exec bash -c ${command}`];
    case 'apptainer':
      return [
        `exec apptainer exec ${request.gpu ? '--nv ' : ''}--bind ${workspace}:/workspace --pwd /workspace ${shellQuote(runtime.image)} bash -c ${command}`,
      ];
    case 'enroot':
      return [
        `exec srun --container-image=${shellQuote(runtime.image)} --container-mounts=${workspace}:/workspace --container-workdir=/workspace bash -c ${command}`,
      ];
    case 'docker': {
      const names = Object.keys(request.env).map((name) => `-e ${name}`);
      return [
        `exec docker run --rm --init --name ${shellQuote(request.job.containerName)} ${request.gpu ? '--gpus all ' : ''}${names.join(' ')} -v ${workspace}:/workspace -w /workspace ${shellQuote(runtime.image)} bash -c ${command}`,
      ];
    }
  }
}

/** The batch script: into the workspace, the job's environment, then its command in the runtime. */
export function batchScript(target: SlurmTarget, request: BatchRequest, paths: JobPaths): string {
  const workspace = `${paths.dir}/workspace`;
  const exports = Object.entries(request.env).map(
    ([name, value]) => `export ${envNameSchema.parse(name)}=${shellQuote(value)}`,
  );
  return ['#!/bin/bash', `cd ${workspace} || exit 1`, ...exports, ...runLine(target, request, '"$PWD"'), ''].join('\n');
}

/** sbatch's options: name, time, CPUs, memory, GPUs, partition, account, log, and the job's record. */
export function sbatchArgs(target: SlurmTarget, request: BatchRequest, paths: JobPaths): string[] {
  const minutes = Math.max(1, Math.ceil(request.job.timeoutSeconds / 60));
  const comment = Buffer.from(JSON.stringify(jobMeta(request.job))).toString('base64');
  return [
    '--parsable',
    '--no-requeue',
    `--job-name=${shellQuote(paths.name)}`,
    `--time=${minutes}`,
    `--cpus-per-task=${Math.max(1, Math.round(request.cpus))}`,
    `--mem=${Math.max(1, Math.ceil(request.memoryBytes / 1024 ** 2))}M`,
    ...(request.gpu ? [`--gres=gpu:${target.gpus ?? 1}`] : []),
    ...(target.partition === undefined ? [] : [`--partition=${shellQuote(target.partition)}`]),
    ...(target.account === undefined ? [] : [`--account=${shellQuote(target.account)}`]),
    `--output=${paths.dir}/job.log`,
    `--chdir=${paths.dir}`,
    `--comment=${comment}`,
  ];
}

const ACTIVE = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'STOPPED',
]);

export interface QueueLine {
  state: string;
  reason: string;
  /** When it was submitted (s since the epoch, by the cluster's clock). */
  submittedAt: number;
  active: boolean;
}

/** One line of `squeue -h -o '%T|%r|%V'` under SLURM_TIME_FORMAT=%s; undefined for anything else. */
export function parseQueueLine(line: string): QueueLine | undefined {
  const match = /^([A-Z_]{2,20})\|([^|]{0,200})\|(\d{1,12})$/.exec(line.trim());
  if (match === null) return undefined;
  const state = match[1]!;
  return { state, reason: match[2]!, submittedAt: Number(match[3]), active: ACTIVE.has(state) };
}

export interface Accounted {
  /** COMPLETED, FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL… (`CANCELLED by 1002` → CANCELLED). */
  state: string;
  exitCode: number;
  signal: number;
  /** When it ended (s since the epoch), when it has. */
  end: number | undefined;
}

/** One line of `sacct -n -P -o JobID,State,ExitCode,End` (SLURM_TIME_FORMAT=%s) for job `id`. */
export function parseAccountLine(line: string, id: string): Accounted | undefined {
  const match = /^(\d{1,12})\|([A-Z_]{2,20})(?: by \d+)?\+?\|(\d{1,3}):(\d{1,3})\|(\d{1,12}|Unknown|None)?$/.exec(
    line.trim(),
  );
  if (match === null || match[1] !== id) return undefined;
  const end = match[5] !== undefined && /^\d+$/.test(match[5]) ? Number(match[5]) : undefined;
  return { state: match[2]!, exitCode: Number(match[3]), signal: Number(match[4]), end };
}

/** `scontrol show job -o` as fields (`JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 …`). */
export function parseScontrol(line: string, id: string): Accounted | undefined {
  const fields = new Map<string, string>();
  for (const word of line.trim().split(/\s+/)) {
    const at = word.indexOf('=');
    if (at > 0 && !fields.has(word.slice(0, at))) fields.set(word.slice(0, at), word.slice(at + 1));
  }
  const state = fields.get('JobState') ?? '';
  const code = /^(\d{1,3}):(\d{1,3})$/.exec(fields.get('ExitCode') ?? '');
  if (fields.get('JobId') !== id || !/^[A-Z_]{2,20}$/.test(state) || code === null) return undefined;
  const end = Number(fields.get('EndTime'));
  return { state, exitCode: Number(code[1]), signal: Number(code[2]), end: Number.isInteger(end) ? end : undefined };
}

export function isActive(state: string): boolean {
  return ACTIVE.has(state);
}

/** How the job ended, in HandleEnd's terms, from what the cluster recorded. */
export function endOf(accounted: Accounted, job: WatchedJob): HandleEnd {
  const finishedAt = accounted.end === undefined ? undefined : accounted.end * 1000;
  const code = accounted.signal > 0 && accounted.exitCode === 0 ? 128 + accounted.signal : accounted.exitCode;
  const end = { exitCode: code, finishedAt };
  const minutes = Math.max(1, Math.ceil(job.timeoutSeconds / 60));
  switch (accounted.state) {
    case 'COMPLETED':
    case 'FAILED':
      return end;
    case 'TIMEOUT':
      return { ...end, reason: `Slurm's time limit of ${minutes} min (the job's timeout) ended it (TIMEOUT)` };
    case 'OUT_OF_MEMORY':
      return {
        ...end,
        exitCode: 137,
        oomKilled: true,
        reason: 'Slurm killed it for using more memory than it asked for (OUT_OF_MEMORY)',
      };
    case 'CANCELLED':
      return { ...end, reason: 'it was cancelled on the cluster (scancel, or an administrator)' };
    case 'NODE_FAIL':
      return { ...end, exitCode: null, reason: 'the node it ran on failed (NODE_FAIL)' };
    case 'PREEMPTED':
      return { ...end, reason: 'a job of higher priority preempted it (PREEMPTED)' };
    default:
      return { ...end, reason: `Slurm ended it as ${accounted.state}` };
  }
}

/** What to tell the person about a job that waits to start, by squeue's reason. */
export function pendingAdvice(reason: string, target: SlurmTarget): string {
  if (/^(Resources|Priority|QOS.*Limit|AssocGrp.*|ReqNodeNotAvail.*)$/.test(reason))
    return `the cluster had no room for it (squeue's reason: ${reason}). Ask for fewer CPUs, less memory or fewer GPUs, use another partition, or raise maxPendingSeconds of target ${target.name}`;
  if (/^(PartitionDown|PartitionInactive|PartitionNodeLimit|PartitionTimeLimit)$/.test(reason))
    return `its partition ${target.partition ?? '(the default)'} cannot take it (squeue's reason: ${reason}). Use another partition, or a shorter timeout`;
  return `squeue's reason: ${reason || 'none given'}. Check it with squeue on the cluster, or raise maxPendingSeconds of target ${target.name}`;
}
