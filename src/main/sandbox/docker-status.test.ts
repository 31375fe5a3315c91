import { describe, expect, it } from 'vitest';
import { hasNvidiaRuntime } from './docker-status';

const engine = (info: unknown) => ({ info: () => Promise.resolve(info) });

describe('NVIDIA support as the engine reports it', () => {
  it('sees the runtime the NVIDIA Container Toolkit registers, and nothing where it is missing', async () => {
    expect(
      await hasNvidiaRuntime(
        engine({ Runtimes: { runc: { path: 'runc' }, nvidia: { path: 'nvidia-container-runtime' } } }),
      ),
    ).toBe(true);
    expect(await hasNvidiaRuntime(engine({ Runtimes: { runc: { path: 'runc' }, 'io.containerd.runc.v2': {} } }))).toBe(
      false,
    );
    expect(await hasNvidiaRuntime(engine({}))).toBe(false);
    expect(await hasNvidiaRuntime({ info: () => Promise.reject(new Error('connect ENOENT')) })).toBe(false);
  });
});
