// The sandbox's containers over a run's life and across restarts of the app: found again by label, orphans
// removed, nothing left once a run ends, two data folders kept apart; and what a person reads when Docker
// or the image is missing, when building the image, and from `looplab sandbox status`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, formatError } from '../src/shared/errors';
import { sandboxCommand } from '../src/main/cli/sandbox-command';
import { BASE_IMAGE, LABEL_HOME, LABEL_RUN } from '../src/main/sandbox/container-spec';
import { dockerFailure } from '../src/main/sandbox/docker-status';
import { buildSandboxImage, type BuildEvent } from '../src/main/sandbox/image';
import { SandboxManager } from '../src/main/sandbox/sandbox-manager';
import { engineHasNvidia } from './fixtures/train-jobs';
import { requireDocker, skipDocker } from './helpers/docker';

const docker = new Docker();
const signal = new AbortController().signal;
const TEST_IMAGE = 'looplab-sandbox-test:lifecycle';
let base: string;
const managers: SandboxManager[] = [];

function managerFor(home: string, options: Partial<ConstructorParameters<typeof SandboxManager>[0]> = {}) {
  const manager = new SandboxManager({ home: join(base, home), image: BASE_IMAGE, ...options });
  managers.push(manager);
  return manager;
}

function workspaceOf(manager: SandboxManager, runId: string) {
  return manager.workspace(runId, { workspaceFolder: join(base, 'workspaces', runId) });
}

async function output(manager: SandboxManager, runId: string, command: string): Promise<string> {
  return (await workspaceOf(manager, runId).exec(command, { timeoutMs: 10_000, signal })).output;
}

async function containersLabelled(labels: Record<string, string>): Promise<string[]> {
  const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
  return (await docker.listContainers({ all: true, filters })).map((found) => found.Id);
}

async function messageOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'no error';
  } catch (error) {
    return error instanceof AppError ? formatError(error.toInfo()) : (error as Error).message;
  }
}

describe.skipIf(skipDocker)('sandbox lifecycle', () => {
  beforeAll(() => {
    requireDocker();
    base = mkdtempSync(join(tmpdir(), 'looplab-sandbox-life-'));
  });

  afterAll(async () => {
    for (const manager of managers) {
      const ids = await manager.containerIds().catch(() => []); // one manager has no engine at all
      for (const id of ids) await docker.getContainer(id).remove({ force: true });
    }
    await docker
      .getImage(TEST_IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('after a restart, reattaches to a live run’s container and removes an orphan’s', async () => {
    const before = managerFor('home-a');
    expect(await output(before, 'run_live', 'echo state > /tmp/state; echo live')).toBe('live\n');
    expect(await output(before, 'run_done', 'echo orphan')).toBe('orphan\n');
    before.disconnect(); // the app goes away without cleaning up

    const after = managerFor('home-a');
    expect(await after.reattach(['run_live', 'run_elsewhere'])).toEqual({
      reattached: ['run_live'],
      removed: ['run_done'],
    });
    expect(await after.containerIds('run_done')).toEqual([]);
    expect(await output(after, 'run_live', 'cat /tmp/state')).toBe('state\n');
  });

  it('removes a run’s container when the run ends, and keeps its files', async () => {
    const manager = managerFor('home-b');
    expect(await output(manager, 'run_ends', 'echo result > result.txt; echo wrote')).toBe('wrote\n');
    expect(await containersLabelled({ [LABEL_RUN]: 'run_ends' })).toHaveLength(1);
    await manager.release('run_ends');
    expect(await containersLabelled({ [LABEL_RUN]: 'run_ends' })).toEqual([]);
    expect(readFileSync(join(base, 'workspaces', 'run_ends', 'result.txt'), 'utf8')).toBe('result\n');
  });

  it('never touches the containers of another data folder', async () => {
    const mine = managerFor('home-c');
    const theirs = managerFor('home-d');
    expect(await output(theirs, 'run_theirs', 'echo theirs')).toBe('theirs\n');
    expect(await mine.reattach([])).toEqual({ reattached: [], removed: [] });
    expect(await containersLabelled({ [LABEL_HOME]: theirs.homeHash })).toHaveLength(1);
    await theirs.release('run_theirs');
  });

  it('gives a run the network only when its rules grant it', async () => {
    const manager = managerFor('home-g');
    const network = (runId: string, grant: 'none' | 'bridge') =>
      manager
        .workspace(runId, { workspaceFolder: join(base, 'workspaces', runId), network: grant })
        .exec('ls /sys/class/net | tr "\\n" " "', { timeoutMs: 10_000, signal });
    expect((await network('run_offline', 'none')).output).toBe('lo ');
    expect((await network('run_online', 'bridge')).output).toBe('eth0 lo ');
    await manager.release('run_offline');
    await manager.release('run_online');
  });

  it('says when the image is missing, and uses the base image only when told to', async () => {
    const strict = managerFor('home-e', { image: 'looplab-sandbox:not-built' });
    expect(await messageOf(workspaceOf(strict, 'run_img').exec('echo hi', { timeoutMs: 5000, signal }))).toBe(
      'The sandbox image looplab-sandbox:not-built is not built yet.\nBuild it with `looplab sandbox build` (add --offline on a machine without internet, --cuda for NVIDIA GPUs).',
    );
    const lenient = managerFor('home-e', { image: 'looplab-sandbox:not-built', fallbackToBase: true });
    expect(await output(lenient, 'run_img', 'echo from base')).toBe('from base\n');
  });

  it('says when Docker is not running, or not ours to use', async () => {
    const absent = managerFor('home-f', { docker: new Docker({ socketPath: join(base, 'no-docker.sock') }) });
    expect(await messageOf(workspaceOf(absent, 'run_x').readFile('a.txt'))).toMatch(
      /^Docker is not (running \(nothing answers at .+no-docker.sock\)\.\nStart it|installed)/,
    );
    const denied = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
    expect(formatError(dockerFailure(denied).toInfo())).toBe(
      'Permission denied on the Docker socket /var/run/docker.sock.\nAdd yourself to the docker group: `sudo usermod -aG docker $USER`, then log out and back in.',
    );
  });

  it('builds an image with its steps shown, and reports a failing step with its last lines', async () => {
    const context = join(base, 'recipe');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile.offline'), `FROM ${BASE_IMAGE}\nRUN echo hello-from-build\nLABEL x=y\n`);
    const events: BuildEvent[] = [];
    const built = await buildSandboxImage(docker, {
      recipe: 'offline',
      tag: TEST_IMAGE,
      contextDir: context,
      onEvent: (event) => events.push(event),
    });
    expect(built.tag).toBe(TEST_IMAGE);
    expect(events.filter((event) => event.kind === 'step').map((event) => event.text)).toEqual([
      `Step 1/3 : FROM ${BASE_IMAGE}`,
      'Step 2/3 : RUN echo hello-from-build',
      'Step 3/3 : LABEL x=y',
    ]);
    expect(await docker.getImage(TEST_IMAGE).inspect()).toMatchObject({ Config: { Labels: { x: 'y' } } });

    writeFileSync(join(context, 'Dockerfile.offline'), `FROM ${BASE_IMAGE}\nRUN echo broken-step-output && exit 3\n`);
    const failure = await messageOf(
      buildSandboxImage(docker, { recipe: 'offline', tag: TEST_IMAGE, contextDir: context, onEvent: () => undefined }),
    );
    expect(failure).toMatch(/^Building looplab-sandbox-test:lifecycle failed: .*returned a non-zero code: 3\n/);
    expect(failure).toMatch(/The build's last lines:\n(.|\n)*broken-step-output/);
  });

  it('`looplab sandbox status` reports the engine, the images and what is missing', async () => {
    let written = '';
    const command = sandboxCommand({ write: (text) => (written += text), docker });
    const failure = await messageOf(
      command.parseAsync(['status', '--image', 'looplab-sandbox:not-built'], { from: 'user' }),
    );
    expect(written).toMatch(/^Docker engine [\d.]+\S* \(API [\d.]+\): running\n/);
    expect(written).toContain(
      engineHasNvidia()
        ? 'NVIDIA runtime: present, GPU jobs can run\n'
        : 'NVIDIA runtime: not found (GPU jobs need the NVIDIA driver and the NVIDIA Container Toolkit: https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html)\n',
    );
    // This machine's Python runs the egress gateway (CI's has 3.11).
    expect(written).toMatch(
      /\nNetwork allow-lists: downloads pass in the kernel at the bridge network's speed \(egress gateway on Python 3\.\d+\.\d+\)\n/,
    );
    expect(written).toContain(`Image ${BASE_IMAGE}: present, `);
    expect(written).toMatch(
      /\nImage looplab-sandbox:\S+-cuda \(GPU jobs\): (present, \d+ MB|not built \(GPU jobs run in it: `looplab sandbox build --cuda`\))\n/,
    );
    expect(failure).toMatch(/^The sandbox image looplab-sandbox:not-built is not built yet.\nBuild it with/);
    expect(
      await messageOf(
        sandboxCommand({ write: () => undefined, docker }).parseAsync(['build', '--offline', '--cuda'], {
          from: 'user',
        }),
      ),
    ).toBe(
      '--offline and --cuda cannot be combined: the offline recipe has no CUDA.\nBuild --cuda on a machine with internet, or --offline for CPU only.',
    );
  });
});
