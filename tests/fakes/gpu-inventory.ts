// A stand-in for this machine's GPUs (there is none in CI): the devices and memory a test says, read as
// the real inventory (nvidia-smi) would report them.
import type { GpuDevice, GpuInventory } from '../../src/main/sandbox/gpu-inventory';

const GIB = 1024 ** 3;

/** One GPU of `totalGiB` with `usedGiB` in use (a training job's share, say). */
export function fakeGpu(totalGiB: number, usedGiB: number, index = 0): GpuDevice {
  return { index, totalBytes: totalGiB * GIB, usedBytes: usedGiB * GIB };
}

export function fakeGpuInventory(devices: readonly GpuDevice[]): GpuInventory & { reads: number } {
  const inventory = {
    reads: 0,
    devices: () => {
      inventory.reads++;
      return Promise.resolve(devices.map((device) => ({ ...device })));
    },
  };
  return inventory;
}
