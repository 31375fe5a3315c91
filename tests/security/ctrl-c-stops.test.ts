// Ctrl+C during a command: `looplab run` in a child process, its model (a fake Ollama) asks for
// `sleep 30` and then a marker file. SIGINT, sent once the command has started (seen on stderr), stops
// the command at once as a timeout would: the process exits with the documented status for an
// interrupted run (5), the run is recorded as interrupted, the marker never appears and no container is
// left behind.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { runCli, spawnCli, waitForLine } from '../helpers/cli';
import { requireDocker, skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let home: TempHome;
let server: FakeServer | undefined;

beforeEach(() => {
  home = makeTempHome('looplab-ctrl-c-');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
});

function containersOf(runId: string): string[] {
  const output = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=dev.looplab.run=${runId}`], {
    encoding: 'utf8',
  });
  return output.split('\n').filter((line) => line !== '');
}

/** Runs `sleep 30` through `looplab run`, sends SIGINT at the moment `when` resolves, and checks the outcome. */
async function interruptDuringSleep(when: (child: ChildProcess, runId: string) => Promise<void>): Promise<void> {
  server = await startOllamaServer({
    turns: [
      { toolCalls: [{ name: 'bash', arguments: { command: 'touch began; sleep 30; touch marker' } }] },
      { text: ['Done.'] },
    ],
  });
  const env = { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root };
  const child = spawnCli(['run', '--model', 'ollama/qwen2.5-coder:7b', '--approve', 'auto', 'Wait'], { env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const runId = (await waitForLine(child, /(run_[0-9a-z]+)\s/))[1]!;
  await when(child, runId);
  const signalled = Date.now();
  child.kill('SIGINT');
  const code = await exited;

  expect(code).toBe(5);
  // Far less than the 30 s the command takes: it was killed, not waited for.
  expect(Date.now() - signalled).toBeLessThan(15_000);
  const listed = JSON.parse((await runCli(['runs', '--json'], { env })).stdout) as { id: string; status: string }[];
  expect(listed).toMatchObject([{ id: runId, status: 'interrupted' }]);
  expect(existsSync(join(home.paths.workspaces, runId, 'marker'))).toBe(false);
  expect(containersOf(runId)).toEqual([]);
}

describe.skipIf(skipDocker)('Ctrl+C during a command', () => {
  beforeAll(() => requireDocker());

  it('stops a command whose sandbox is still starting: it never runs', { timeout: 120_000 }, async () => {
    // The tool call has started (its progress line) while the run's container is still being started.
    await interruptDuringSleep(async (child) => {
      await waitForLine(child, /→ bash/);
    });
  });

  it('kills a running command at once', { timeout: 120_000 }, async () => {
    // The command runs once its first file appears in the run's workspace.
    await interruptDuringSleep(async (_child, runId) => {
      const began = join(home.paths.workspaces, runId, 'began');
      await expect.poll(() => existsSync(began), { timeout: 60_000, interval: 50 }).toBe(true);
    });
  });
});
