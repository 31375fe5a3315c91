// What one job may use: job_start's arguments over the run's spec over settings.json, and for what none of
// them sets, a share of the machine the engine runs on (training wants more than the command sandbox's
// 4 GB and 2 CPUs): every CPU, three quarters of the memory, 4096 processes and threads, 2 GB of /dev/shm
// (at most half the memory limit, which it counts against), and 24 hours, long enough for a real
// fine-tune and still an end for one that hangs.
import type Docker from 'dockerode';
import { z } from 'zod';
import type { JobResources } from '../../shared/job-resources';
import type { SandboxLimits } from './container-spec';

export const DEFAULT_JOB_TIMEOUT_SECONDS = 24 * 3600;
export const DEFAULT_JOB_PIDS = 4096;
export const DEFAULT_JOB_SHM_BYTES = 2 * 1024 ** 3;
const MB = 1024 * 1024;
/** Where the engine does not say (its info fails): the command sandbox's own defaults. */
const UNKNOWN_MACHINE: EngineCapacity = { cpus: 2, memoryBytes: (4 * 1024 ** 3 * 4) / 3 };

export interface EngineCapacity {
  cpus: number;
  memoryBytes: number;
}

export interface JobPlan {
  limits: SandboxLimits;
  shmBytes: number;
  timeoutSeconds: number;
}

const infoSchema = z.object({ NCPU: z.number().int().positive(), MemTotal: z.number().positive() });
const seen = new WeakMap<object, Promise<EngineCapacity>>();

/** The CPUs and memory of the machine (or VM) the engine runs containers on, asked once per client. */
export function engineCapacity(docker: Pick<Docker, 'info'>): Promise<EngineCapacity> {
  let capacity = seen.get(docker);
  if (capacity === undefined) {
    capacity = docker
      .info()
      .then((info: unknown) => {
        const parsed = infoSchema.parse(info);
        return { cpus: parsed.NCPU, memoryBytes: parsed.MemTotal };
      })
      .catch(() => UNKNOWN_MACHINE);
    seen.set(docker, capacity);
  }
  return capacity;
}

/** The first of the layers (most specific first) that sets each field. */
export function mergeJobResources(...layers: readonly (JobResources | undefined)[]): JobResources {
  const merged: JobResources = {};
  for (const layer of [...layers].reverse())
    for (const [key, value] of Object.entries(layer ?? {}))
      if (value !== undefined) merged[key as keyof JobResources] = value;
  return merged;
}

/** The job's limits: what was set, the machine's share for the rest; never more CPUs than the engine has. */
export function planJob(resources: JobResources, machine: EngineCapacity, sandbox: SandboxLimits): JobPlan {
  const memoryBytes =
    resources.memoryMb === undefined ? Math.floor((machine.memoryBytes * 3) / 4 / MB) * MB : resources.memoryMb * MB;
  const shmBytes =
    resources.shmMb === undefined ? Math.min(DEFAULT_JOB_SHM_BYTES, Math.floor(memoryBytes / 2)) : resources.shmMb * MB;
  return {
    limits: {
      ...sandbox,
      memoryBytes,
      cpus: Math.min(resources.cpus ?? machine.cpus, machine.cpus),
      pids: resources.pids ?? DEFAULT_JOB_PIDS,
    },
    shmBytes,
    timeoutSeconds: resources.timeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
  };
}

/** The plan for a job from its layers of resources (most specific first) and the engine's machine. */
export async function jobPlan(
  docker: Pick<Docker, 'info'>,
  layers: readonly (JobResources | undefined)[],
  sandbox: SandboxLimits,
): Promise<JobPlan> {
  return planJob(mergeJobResources(...layers), await engineCapacity(docker), sandbox);
}

/**
 * Thread pools sized to the CPU limit rather than to every core of the host (which they see through the
 * limit, and would oversubscribe). Tokenizers' own pool is sized too; its parallelism is switched off
 * only where there is a single CPU, since forcing it on would keep it in forked DataLoader workers,
 * where it can deadlock.
 */
export function threadEnv(cpus: number): string[] {
  const threads = Math.max(1, Math.floor(cpus));
  return [
    `OMP_NUM_THREADS=${threads}`,
    `MKL_NUM_THREADS=${threads}`,
    `OPENBLAS_NUM_THREADS=${threads}`,
    `RAYON_NUM_THREADS=${threads}`,
    ...(threads < 2 ? ['TOKENIZERS_PARALLELISM=false'] : []),
  ];
}
