// A run that will use the GPU (a spec's `gpu: true`) runs its commands in the CUDA sandbox image, the one
// its GPU jobs run in, so what the agent tries and installs is what its jobs find; without that image it
// keeps the CPU one. The CI image, tagged under another name, stands in for the CUDA build (no GPU here).
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { workspaceDir } from '../src/main/runs/run-loop';
import { containerName } from '../src/main/sandbox/container-spec';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const present = ciImagePresent();
const STANDIN_CUDA = `looplab-test-cuda:${process.pid}`;
const docker = new Docker();
let home: TempHome;
let app: App;

async function imageOfRun(gpu: boolean): Promise<string> {
  const runId = app.store.createRun({ goal: 'train', model: 'scripted/test', origin: 'new' }).runId;
  const workspace = app.sandbox.workspace(runId, { workspaceFolder: workspaceDir(app, runId), gpu });
  await workspace.exec('true', { timeoutMs: 60_000, signal: new AbortController().signal });
  const info = await docker.getContainer(containerName(app.sandbox.homeHash, runId)).inspect();
  await app.sandbox.release(runId);
  return info.Config.Image;
}

function startApp(cudaImage: string): void {
  home = makeTempHome('looplab-gpu-run-');
  process.env.LOOPLAB_SANDBOX_IMAGE = CI_IMAGE;
  process.env.LOOPLAB_SANDBOX_CUDA_IMAGE = cudaImage;
  app = createApp({ home: home.paths.root, ui: 'web' });
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('the image of a run that will use the GPU', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    execFileSync('docker', ['tag', CI_IMAGE, STANDIN_CUDA]);
  });

  afterEach(async () => {
    await app.shutdown();
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    delete process.env.LOOPLAB_SANDBOX_CUDA_IMAGE;
    home.remove();
  });

  afterAll(() => {
    execFileSync('docker', ['rmi', STANDIN_CUDA], { stdio: 'ignore' });
  });

  it('is the CUDA image when it is built, and the CPU image for a run that will not use the GPU', async () => {
    startApp(STANDIN_CUDA);
    expect(await imageOfRun(true)).toBe(STANDIN_CUDA);
    expect(await imageOfRun(false)).toBe(CI_IMAGE);
  });

  it('stays the CPU image when the CUDA image is not built', async () => {
    startApp('looplab-test-cuda:never-built');
    expect(await imageOfRun(true)).toBe(CI_IMAGE);
  });
});
