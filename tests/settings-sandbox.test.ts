// The sandbox limits saved in settings reach the containers made after they are saved: a run's
// container has the CPUs, memory and process limit of the settings at the time it was made.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { LABEL_RUN } from '../src/main/sandbox/container-spec';
import { TEST_SANDBOX_IMAGE } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let app: App;
const signal = new AbortController().signal;

async function limitsOf(runId: string): Promise<[number, number, number]> {
  const workspace = app.sandbox.workspace(runId, { workspaceFolder: join(home.paths.workspaces, runId) });
  expect(await workspace.exec('echo ok', { timeoutMs: 20_000, signal })).toMatchObject({ exitCode: 0 });
  const [found] = await app.sandbox.docker.listContainers({ filters: { label: [`${LABEL_RUN}=${runId}`] } });
  const info = await app.sandbox.docker.getContainer(found!.Id).inspect();
  return [info.HostConfig.NanoCpus ?? 0, info.HostConfig.Memory ?? 0, info.HostConfig.PidsLimit ?? 0];
}

describe.skipIf(skipDocker)('sandbox limits from settings', () => {
  beforeAll(() => {
    requireDocker();
    home = makeTempHome();
    process.env.LOOPLAB_SANDBOX_IMAGE = TEST_SANDBOX_IMAGE;
    app = createApp({ home: home.paths.root, ui: 'web' });
  });

  afterAll(async () => {
    await app?.sandbox.release('run_limits1');
    await app?.sandbox.release('run_limits2');
    await app?.shutdown();
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    home?.remove();
  });

  it('gives each new container the limits saved at the time', async () => {
    app.settings.update({ sandbox: { cpus: 1, memoryMb: 300, pids: 100, network: 'none' } });
    expect(await limitsOf('run_limits1')).toEqual([1e9, 300 * 1024 ** 2, 100]);
    app.settings.update({ sandbox: { cpus: 1.5, memoryMb: 512, network: 'none' } });
    // The built-in process limit again, since the settings no longer set one.
    expect(await limitsOf('run_limits2')).toEqual([1.5e9, 512 * 1024 ** 2, 256]);
  });
});
