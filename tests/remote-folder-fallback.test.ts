// A job on another machine keeps its workspace in a folder there, bind-mounted; an engine that cannot see
// that folder (it runs in a VM of its own, or is confined, as Docker's snap package is from hidden
// folders) refuses the mount. Here the real engine is given a folder that does not exist where it looks:
// the job still starts, its workspace in a volume, and its notes say why.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInFolder } from '../src/main/sandbox/jobs-launch';
import { engineProfile } from '../src/main/sandbox/engine-profile';
import { removeJobVolume } from '../src/main/sandbox/jobs-remote';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';

const docker = new Docker();
const present = ciImagePresent();
const name = `looplab-job-0badf00d-fallback-${process.pid}`;

describe.skipIf(skipDocker || (!present && !dockerRequired))('a remote engine that cannot see the job folder', () => {
  let workspaceFolder: string;

  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    workspaceFolder = mkdtempSync(join(tmpdir(), 'looplab-fallback-'));
    writeFileSync(join(workspaceFolder, 'data.txt'), 'rows from the workspace\n');
  });

  afterAll(async () => {
    await docker
      .getContainer(name)
      .remove({ force: true, v: true })
      .catch(() => undefined);
    await removeJobVolume(docker, name);
    rmSync(workspaceFolder, { recursive: true, force: true });
  });

  it('starts the job with its workspace in a volume instead, and says why', async () => {
    const notes: string[] = [];
    const folder = {
      dir: `/nonexistent-${process.pid}/.looplab/jobs/${name}`,
      hfCache: '/nonexistent/hf',
      uid: 1000,
      gid: 1000,
    };
    const spec = {
      name,
      Image: CI_IMAGE,
      User: '1000:1000',
      Cmd: ['sh', '-c', 'cat /workspace/data.txt'],
      HostConfig: {},
    };
    const made = { spec, image: CI_IMAGE, gpu: false, workspaceFolder, note: (text: string) => notes.push(text) };
    await createInFolder({ docker, ssh: undefined, target: 'gpu-box' }, made, folder, await engineProfile(docker));

    const container = docker.getContainer(name);
    expect(await container.wait()).toMatchObject({ StatusCode: 0 });
    const logs = (await container.logs({ stdout: true, stderr: true })).toString();
    expect(logs).toContain('rows from the workspace');
    const info = await container.inspect();
    expect(info.Mounts.find((mount) => mount.Destination === '/workspace')).toMatchObject({ Type: 'volume' });
    const escaped = folder.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the Docker engine on gpu-box cannot see ${escaped} \\(.*bind source path does not exist.*\\): the workspace goes into a Docker volume instead$`,
        ),
      ),
    ]);
  });

  it('still fails, with the engine’s words and no container left, for anything else', async () => {
    // A folder the engine sees: the bind mounts are taken, and the missing image is what fails.
    mkdirSync(join(workspaceFolder, 'workspace'));
    const folder = { dir: workspaceFolder, hfCache: workspaceFolder, uid: 1000, gid: 1000 };
    const spec = {
      name: `${name}-x`,
      Image: 'looplab-no-such-image:none',
      User: '1000:1000',
      Cmd: ['true'],
      HostConfig: {},
    };
    const made = { spec, image: spec.Image, gpu: false, workspaceFolder, note: () => undefined };
    await expect(
      createInFolder({ docker, ssh: undefined, target: 'gpu-box' }, made, folder, await engineProfile(docker)),
    ).rejects.toThrow(/looplab-no-such-image/);
    expect((await docker.listContainers({ all: true, filters: { name: [`${name}-x`] } })).length).toBe(0);
  });
});
