// The sandbox image built offline from resources/sandbox/Dockerfile.offline (CI builds it as
// looplab-sandbox:ci through `looplab sandbox build --offline`): the ML stack runs in it under the
// sandbox's rules, it ships the agent the app injects, and `pkill -f agent` from inside is survived.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerWorkspace } from '../src/main/sandbox/docker-workspace';
import { SandboxManager } from '../src/main/sandbox/sandbox-manager';
import { dockerAvailable, dockerRequired, requireDocker, skipDocker } from './helpers/docker';

const CI_IMAGE = 'looplab-sandbox:ci';

function imagePresent(): boolean {
  if (!dockerAvailable) return false;
  try {
    execFileSync('docker', ['image', 'inspect', CI_IMAGE], { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const present = imagePresent();
let base: string;
let manager: SandboxManager;
let workspace: DockerWorkspace;
const signal = new AbortController().signal;

async function outcome(command: string): Promise<string> {
  try {
    const result = await workspace.exec(command, { timeoutMs: 60_000, signal });
    return `${result.output}[exit ${result.exitCode}]`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('the offline sandbox image', () => {
  beforeAll(() => {
    requireDocker();
    if (!present)
      throw new Error(
        `${CI_IMAGE} is missing: .ci/run builds it with \`looplab sandbox build --offline --tag ${CI_IMAGE}\``,
      );
    base = mkdtempSync(join(tmpdir(), 'looplab-sandbox-image-'));
    manager = new SandboxManager({ home: join(base, 'home'), image: CI_IMAGE });
    workspace = manager.workspace('run_image', { workspaceFolder: join(base, 'workspace') });
  });

  afterAll(async () => {
    await manager?.release('run_image');
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('trains a scikit-learn model on bundled data, as a non-root user with no network', async () => {
    await workspace.writeFile(
      'train.py',
      [
        'import json, socket',
        'import numpy, pandas',
        'from sklearn.datasets import load_iris',
        'from sklearn.linear_model import LogisticRegression',
        'from sklearn.model_selection import train_test_split',
        'x, y = load_iris(return_X_y=True)',
        'x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)',
        'model = LogisticRegression(max_iter=500).fit(x_train, y_train)',
        'frame = pandas.DataFrame({"accuracy": [model.score(x_test, y_test)]})',
        'try:',
        '    socket.create_connection(("1.1.1.1", 443), timeout=2)',
        '    network = "reachable"',
        'except OSError as error:',
        '    network = error.strerror',
        'print(json.dumps({"accuracy": round(float(frame.accuracy[0]), 2), "network": network}))',
      ].join('\n'),
    );
    const result = await outcome('whoami; python3 train.py');
    expect(result).toBe('looplab\n{"accuracy": 0.98, "network": "Network is unreachable"}\n[exit 0]');
  });

  it('ships the agent the app injects', async () => {
    const expected = createHash('sha256')
      .update(readFileSync(new URL('../resources/sandbox/agent.py', import.meta.url)))
      .digest('hex');
    expect(
      await outcome('sha256sum /opt/looplab/agent.py | cut -d" " -f1'),
      `${CI_IMAGE} holds an older agent.py: rebuild it (.ci/run does) with \`looplab sandbox build --offline --tag ${CI_IMAGE}\``,
    ).toBe(`${expected}\n[exit 0]`);
  });

  it('keeps working after `pkill -f agent` from inside', async () => {
    expect(await outcome('pkill -f agent; sleep 5')).toMatch(/^error: The sandbox stopped while the command ran: /);
    expect(await outcome('echo ok')).toBe('ok\n[exit 0]');
  });
});
