// A remote job's container on a folder of its machine, as each kind of engine needs it: run as the SSH
// user (whose folder it is), as the container's root under rootless Docker (that same user, mapped),
// relabelled under SELinux; an engine that remaps uids keeps the workspace in a volume instead.
import { describe, expect, it } from 'vitest';
import { PLAIN_ENGINE, profileOf } from './engine-profile';
import { folderJobSpec, folderWorks } from './jobs-remote-folder';

const folder = {
  dir: '/home/me/.looplab/jobs/looplab-job-0a1b2c3d-job_x',
  hfCache: '/home/me/.looplab/hf-cache',
  uid: 1001,
  gid: 1002,
};
const spec = { Image: 'looplab-sandbox:ci', User: '1000:1000', HostConfig: { Binds: ['/here:/workspace'], Memory: 1 } };
const ssh = { args: ['me@box'] };

describe('a remote job on a folder of its machine', () => {
  it('runs as the SSH user with the folder and the shared cache bound in', () => {
    const made = folderJobSpec(spec, 'gpu-box', folder, PLAIN_ENGINE);
    expect(made.User).toBe('1001:1002');
    expect(made.Labels).toMatchObject({
      'dev.looplab.job.target': 'gpu-box',
      'dev.looplab.job.remote-dir': folder.dir,
    });
    expect(made.HostConfig).toEqual({
      Memory: 1,
      Mounts: [
        { Type: 'bind', Source: `${folder.dir}/workspace`, Target: '/workspace', ReadOnly: false },
        { Type: 'bind', Source: folder.hfCache, Target: '/cache/huggingface', ReadOnly: false },
      ],
    });
  });

  it('runs as the container’s root under rootless Docker, and relabels the folders under SELinux', () => {
    expect(folderJobSpec(spec, 'gpu-box', folder, { rootless: true, selinux: false }).User).toBe('0:0');
    const relabelled = folderJobSpec(spec, 'gpu-box', folder, { rootless: false, selinux: true });
    expect(relabelled.HostConfig?.Binds).toEqual([
      `${folder.dir}/workspace:/workspace:z`,
      `${folder.hfCache}:/cache/huggingface:z`,
    ]);
  });

  it('keeps a volume where the engine remaps uids, or where there is no SSH', () => {
    const remapping = profileOf(['name=seccomp,profile=builtin', 'name=userns']);
    expect(remapping.usernsRemap).toBe(true);
    expect(folderWorks(ssh, remapping)).toBe(false);
    expect(folderWorks(undefined, PLAIN_ENGINE)).toBe(false);
    expect(folderWorks(ssh, PLAIN_ENGINE)).toBe(true);
  });
});
