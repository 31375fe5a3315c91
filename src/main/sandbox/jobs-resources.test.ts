import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './container-spec';
import { mergeJobResources, planJob, threadEnv } from './jobs-resources';

const GB = 1024 ** 3;
const machine = { cpus: 16, memoryBytes: 64 * GB };

describe('what a job may use', () => {
  it('takes job_start over the spec over settings, and the machine’s share for the rest', () => {
    const resources = mergeJobResources(
      { cpus: 4, timeoutSeconds: undefined },
      { memoryMb: 8192, timeoutSeconds: 7200 },
      { cpus: 2, memoryMb: 2048, shmMb: 512, timeoutSeconds: 600 },
    );
    expect(resources).toEqual({ cpus: 4, memoryMb: 8192, shmMb: 512, timeoutSeconds: 7200 });
    expect(planJob({}, machine, DEFAULT_LIMITS)).toEqual({
      limits: { ...DEFAULT_LIMITS, cpus: 16, memoryBytes: 48 * GB, pids: 4096 },
      shmBytes: 2 * GB,
      timeoutSeconds: 24 * 3600,
    });
  });

  it('never asks for more CPUs than the engine has, and keeps /dev/shm within half the memory', () => {
    const plan = planJob({ cpus: 64, memoryMb: 1024 }, machine, DEFAULT_LIMITS);
    expect(plan.limits.cpus).toBe(16);
    expect(plan.shmBytes).toBe(512 * 1024 ** 2);
    expect(planJob({ memoryMb: 1024, shmMb: 900 }, machine, DEFAULT_LIMITS).shmBytes).toBe(900 * 1024 ** 2);
  });

  it('sizes thread pools to the CPU limit, switching tokenizers’ parallelism off on a single CPU', () => {
    expect(threadEnv(1.5)).toEqual([
      'OMP_NUM_THREADS=1',
      'MKL_NUM_THREADS=1',
      'OPENBLAS_NUM_THREADS=1',
      'RAYON_NUM_THREADS=1',
      'TOKENIZERS_PARALLELISM=false',
    ]);
    expect(threadEnv(8)).toEqual([
      'OMP_NUM_THREADS=8',
      'MKL_NUM_THREADS=8',
      'OPENBLAS_NUM_THREADS=8',
      'RAYON_NUM_THREADS=8',
    ]);
  });
});
