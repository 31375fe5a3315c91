import { describe, expect, it } from 'vitest';
import { freeBytes, nvidiaSmiInventory, parseNvidiaSmi } from './gpu-inventory';

const MIB = 1024 * 1024;

describe('GPU inventory', () => {
  it('reads nvidia-smi’s CSV, one device a line, in bytes', () => {
    const devices = parseNvidiaSmi('0, 81559, 1024\n1, 81559, 79000\n');
    expect(devices).toEqual([
      { index: 0, totalBytes: 81559 * MIB, usedBytes: 1024 * MIB },
      { index: 1, totalBytes: 81559 * MIB, usedBytes: 79000 * MIB },
    ]);
    expect(freeBytes(devices)).toBe((80535 + 2559) * MIB);
  });

  it('leaves out what it cannot read (a driver message, a field [N/A])', () => {
    expect(parseNvidiaSmi('NVIDIA-SMI has failed because it couldn’t communicate with the NVIDIA driver.\n')).toEqual(
      [],
    );
    expect(parseNvidiaSmi('0, [N/A], [N/A]\n1, 24576, 512\n')).toEqual([
      { index: 1, totalBytes: 24576 * MIB, usedBytes: 512 * MIB },
    ]);
  });

  it('reports no GPU where nvidia-smi is missing', async () => {
    const inventory = nvidiaSmiInventory({ command: '/nonexistent/nvidia-smi' });
    expect(await inventory.devices()).toEqual([]);
  });
});
