// What a job's container is, as plain data: the run's sandbox policy (image, the one workspace folder, user,
// limits, network) with the job's own command, labels, log driver and, when asked, the NVIDIA GPUs.
//
// Job containers carry their own label keys (dev.looplab.job.run, dev.looplab.job.home) rather than the
// sandbox's dev.looplab.run / dev.looplab.home: SandboxManager removes every container with those when a
// run is released or found orphaned at start-up, and a job must outlive both.
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import { appVersion } from '../version';
import { containerSpec, LABEL_VERSION, relayWait, type ContainerSpecInput } from './container-spec';
import { threadEnv } from './jobs-resources';
import { gpuCheckSource, relaySource } from './sandbox-resources';

export const LABEL_JOB = 'dev.looplab.job';
export const LABEL_JOB_RUN = 'dev.looplab.job.run';
export const LABEL_JOB_HOME = 'dev.looplab.job.home';
export const LABEL_JOB_CALL = 'dev.looplab.job.call';
export const LABEL_JOB_GPU = 'dev.looplab.job.gpu';
export const LABEL_JOB_STARTED = 'dev.looplab.job.started';
export const LABEL_JOB_TIMEOUT = 'dev.looplab.job.timeout';
/** The local Ollama's models unloaded for GPU jobs when this one started, to load again after it. */
export const LABEL_JOB_OLLAMA = 'dev.looplab.job.ollama';
/** The workspace as this machine names it: Docker Desktop reports a bind mount's source in its own VM's terms. */
export const LABEL_JOB_WORKSPACE = 'dev.looplab.job.workspace';

/** Where a job's log and its outputs snapshot live, relative to the workspace. */
export const JOBS_FOLDER = '.looplab/jobs';
export const OUTPUTS_FOLDER = 'outputs';

/** The engine kills what is left this long after the timeout, should Looplab not be running to do it. */
const BACKSTOP_SECONDS = 30;

export interface JobSpecInput extends Omit<ContainerSpecInput, 'image'> {
  image: string;
  jobId: string;
  /** The tool call that started the job, when one did. */
  callId: string | undefined;
  command: string;
  gpu: boolean;
  timeoutSeconds: number;
  startedAt: number;
  /** The size of /dev/shm (Docker's default is 64 MB, too little for DataLoader workers). */
  shmBytes: number;
  /** For a GPU job: the local Ollama's models unloaded for it. */
  ollamaModels?: readonly string[] | undefined;
}

export function jobContainerName(homeHashValue: string, jobId: string): string {
  return `looplab-job-${homeHashValue.slice(0, 8)}-${jobId.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

export function jobLogPath(jobId: string): string {
  return `${JOBS_FOLDER}/${jobId}.log`;
}

export function jobLabels(input: JobSpecInput): Record<string, string> {
  return {
    [LABEL_JOB]: input.jobId,
    [LABEL_JOB_RUN]: input.runId,
    [LABEL_JOB_HOME]: input.homeHash,
    [LABEL_VERSION]: appVersion(),
    [LABEL_JOB_GPU]: String(input.gpu),
    [LABEL_JOB_STARTED]: String(input.startedAt),
    [LABEL_JOB_TIMEOUT]: String(input.timeoutSeconds),
    [LABEL_JOB_WORKSPACE]: resolve(input.workspaceFolder),
    ...(input.callId === undefined ? {} : { [LABEL_JOB_CALL]: input.callId }),
    ...(input.gpu ? { [LABEL_JOB_OLLAMA]: (input.ollamaModels ?? []).join(',') } : {}),
  };
}

/** Every NVIDIA GPU of the machine, as `docker run --gpus all` asks for them. */
export const GPU_REQUEST: Docker.DeviceRequest = { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] };

/** What NVIDIA's containers ask for: pinned memory without limit (CUDA, NCCL) and a 64 MB stack. */
export const GPU_ULIMITS: Docker.HostConfig['Ulimits'] = [
  { Name: 'memlock', Soft: -1, Hard: -1 },
  { Name: 'stack', Soft: 64 * 1024 * 1024, Hard: 64 * 1024 * 1024 },
];

export function jobContainerSpec(input: JobSpecInput): Docker.ContainerCreateOptions {
  const base = containerSpec(input);
  return {
    ...base,
    name: jobContainerName(input.homeHash, input.jobId),
    Env: [...(base.Env ?? []), ...threadEnv(input.limits.cpus)],
    Cmd: [
      ...relayFirst(input),
      ...gpuCheckFirst(input),
      'timeout',
      '--signal=KILL',
      `${input.timeoutSeconds + BACKSTOP_SECONDS}s`,
      'bash',
      '-c',
      input.command,
    ],
    Labels: jobLabels(input),
    HostConfig: {
      ...base.HostConfig,
      // The engine keeps the output so that a restarted app reads it again from the start; capped so a
      // job that prints without end cannot fill the disk.
      LogConfig: { Type: 'json-file', Config: { 'max-size': '256m', 'max-file': '2' } },
      ShmSize: input.shmBytes,
      ...(input.gpu ? { DeviceRequests: [GPU_REQUEST], Ulimits: GPU_ULIMITS } : {}),
    },
  };
}

/**
 * With an allow-list, the job starts the relay to the egress proxy in the background and then becomes its
 * own command (`exec`), which stays last in Cmd.
 */
function relayFirst(input: JobSpecInput): string[] {
  if (typeof input.network !== 'object') return [];
  // The command starts once the relay listens (at most a second), so its first connection never misses it.
  const script = ['python3 -c "$1" 2>/dev/null &', relayWait(1), 'shift; exec "$@"'].join('\n');
  return ['bash', '-c', script, 'looplab-job', relaySource()];
}

/** A GPU job first says whether torch sees the GPU (gpu-check.py), then becomes its command. */
function gpuCheckFirst(input: JobSpecInput): string[] {
  if (!input.gpu) return [];
  return ['bash', '-c', 'python3 -c "$1" 2>&1; shift; exec "$@"', 'looplab-gpu-check', gpuCheckSource()];
}

/** The command a job container runs, as the person and the model wrote it. */
export function commandOf(cmd: readonly string[] | null | undefined): string {
  return cmd?.[cmd.length - 1] ?? '';
}
