// Containers made for a rootless or SELinux Docker engine, as the engine's own `docker info` describes it.
import { describe, expect, it } from 'vitest';
import { containerSpec, DEFAULT_LIMITS } from './container-spec';
import { engineProfile, profileOf } from './engine-profile';

const input = {
  runId: 'run_1',
  homeHash: 'abcdef0123456789',
  image: 'looplab-sandbox:ci',
  workspaceFolder: '/home/ada/.looplab/workspaces/run_1',
  limits: DEFAULT_LIMITS,
  network: 'none' as const,
  user: '1000:1000',
};

describe('the engine a sandbox is made for', () => {
  it('reads rootless and SELinux from docker info', () => {
    expect(profileOf(['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'])).toEqual({
      rootless: true,
      selinux: false,
    });
    expect(profileOf(['name=seccomp,profile=builtin', 'name=selinux'])).toEqual({ rootless: false, selinux: true });
    expect(profileOf([])).toEqual({ rootless: false, selinux: false });
  });

  it('runs as the person’s uid with a plain bind mount on a rootful engine', () => {
    const spec = containerSpec(input);
    expect(spec.User).toBe('1000:1000');
    expect(spec.HostConfig?.Mounts).toEqual([
      { Type: 'bind', Source: input.workspaceFolder, Target: '/workspace', ReadOnly: false },
    ]);
    expect(spec.HostConfig?.Binds).toBeUndefined();
  });

  it('runs as the container’s root (the person, mapped) under rootless Docker, still without privileges', () => {
    const spec = containerSpec({ ...input, engine: { rootless: true, selinux: false } });
    expect(spec.User).toBe('0:0');
    expect(spec.HostConfig?.CapDrop).toEqual(['ALL']);
    expect(spec.HostConfig?.SecurityOpt).toEqual(['no-new-privileges']);
  });

  it('relabels the workspace for SELinux, which the Mounts API cannot', () => {
    const spec = containerSpec({ ...input, engine: { rootless: false, selinux: true } });
    expect(spec.HostConfig?.Binds).toEqual([`${input.workspaceFolder}:/workspace:z`]);
    expect(spec.HostConfig?.Mounts).toBeUndefined();
  });

  it('asks the engine once, and takes one that does not answer as a plain engine', async () => {
    let asked = 0;
    const failing = {
      info: async () => {
        asked += 1;
        throw new Error('no answer');
      },
    };
    expect(await engineProfile(failing)).toEqual({ rootless: false, selinux: false });
    expect(await engineProfile(failing)).toEqual({ rootless: false, selinux: false });
    expect(asked).toBe(1);
    const rootless = { info: async () => ({ SecurityOptions: ['name=rootless'] }) };
    expect(await engineProfile(rootless)).toEqual({ rootless: true, selinux: false });
  });
});
