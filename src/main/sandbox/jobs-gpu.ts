// The GPU's utilisation and memory while a GPU job runs, read on this machine with `nvidia-smi` (the
// machine's whole GPUs: a job is given all of them). Behind an interface so tests give a fake; where
// nvidia-smi is missing or fails, nothing is sampled and nothing is made up.
import { execFile } from 'node:child_process';

export interface GpuSample {
  /** Mean utilisation over the GPUs, in percent. */
  utilizationPct: number;
  /** Memory in use over the GPUs, in MiB. */
  memoryUsedMiB: number;
}

export interface GpuSampler {
  /** The GPUs now, or undefined when they cannot be read (no NVIDIA driver here). */
  sample(): Promise<GpuSample | undefined>;
}

const QUERY = ['--query-gpu=utilization.gpu,memory.used', '--format=csv,noheader,nounits'];

/** One line per GPU: `37, 10240`. Undefined when no line reads as two numbers. */
export function parseNvidiaSmi(output: string): GpuSample | undefined {
  const rows = output
    .split('\n')
    .map((line) => line.split(',').map((field) => Number(field.trim())))
    .filter((fields) => fields.length === 2 && fields.every((value) => Number.isFinite(value)));
  if (rows.length === 0) return undefined;
  const utilization = rows.reduce((sum, row) => sum + row[0]!, 0) / rows.length;
  return { utilizationPct: Math.round(utilization), memoryUsedMiB: rows.reduce((sum, row) => sum + row[1]!, 0) };
}

export class NvidiaSmiSampler implements GpuSampler {
  constructor(private readonly command = 'nvidia-smi') {}

  sample(): Promise<GpuSample | undefined> {
    return new Promise((resolve) => {
      execFile(this.command, QUERY, { timeout: 5000, windowsHide: true }, (error, stdout) => {
        resolve(error === null ? parseNvidiaSmi(stdout) : undefined);
      });
    });
  }
}
