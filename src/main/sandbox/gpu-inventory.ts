// This machine's NVIDIA GPUs and their memory, as the driver (NVML) reports it through `nvidia-smi`. A
// machine without the driver has none: nothing here ever assumes a GPU that was not reported.
import { execFile } from 'node:child_process';

export interface GpuDevice {
  index: number;
  totalBytes: number;
  usedBytes: number;
}

export interface GpuInventory {
  /** The GPUs as they are now; none where there is no NVIDIA driver or it does not answer. */
  devices(): Promise<GpuDevice[]>;
}

const MIB = 1024 * 1024;
const QUERY = ['--query-gpu=index,memory.total,memory.used', '--format=csv,noheader,nounits'];

/** `nvidia-smi`'s CSV (index, total MiB, used MiB per line); lines it cannot read are left out. */
export function parseNvidiaSmi(output: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length !== 3 || !fields.every((field) => /^\d+$/.test(field))) continue;
    const [index, total, used] = fields.map(Number) as [number, number, number];
    devices.push({ index, totalBytes: total * MIB, usedBytes: used * MIB });
  }
  return devices;
}

/** The free memory of the given devices together. */
export function freeBytes(devices: readonly GpuDevice[]): number {
  return devices.reduce((sum, device) => sum + Math.max(0, device.totalBytes - device.usedBytes), 0);
}

/** Reads the GPUs through `nvidia-smi` (NVML); none when it is missing, fails or takes over `timeoutMs`. */
export function nvidiaSmiInventory(options: { command?: string; timeoutMs?: number } = {}): GpuInventory {
  const command = options.command ?? 'nvidia-smi';
  return {
    devices: () =>
      new Promise((resolve) => {
        execFile(command, QUERY, { timeout: options.timeoutMs ?? 5000 }, (error, stdout) => {
          resolve(error === null ? parseNvidiaSmi(stdout) : []);
        });
      }),
  };
}
