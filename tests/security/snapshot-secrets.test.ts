// A workspace file that holds a known secret value (here a token in the environment the run was given)
// is not snapshotted: the snapshot names it with the reason, no byte of the secret lands anywhere in
// the data folder (not under blobs/, not in the database), and a fork restores the other files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/main/app';
import { createFork, forkPoint } from '../../src/main/runs/fork';
import { SECRET_REASON } from '../../src/main/store/workspace-snapshot';
import { describeEvent } from '../../src/shared/describe-event';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const TOKEN = 'svc-7c1e4b9a2f0d4e8b9c3a';
const MiB = 1024 * 1024;

let home: TempHome;
let app: App;
let workspace: string;

/** Every file of the data folder that holds `text` (grep -r, as a person would look). */
function filesHolding(text: string): string[] {
  const found = spawnSync('grep', ['-r', '-l', '-F', text, home.paths.root], { encoding: 'utf8' });
  expect(found.status === 0 || found.status === 1).toBe(true);
  return found.stdout.split('\n').filter((line) => line !== '');
}

beforeAll(() => {
  process.env.MY_SERVICE_TOKEN = TOKEN;
  home = makeTempHome();
  app = createApp({ home: home.paths.root, ui: 'web' });
  // The run's files, outside the data folder, so that a grep of the data folder sees only what Looplab kept.
  workspace = mkdtempSync(join(tmpdir(), 'looplab-secret-ws-'));
  writeFileSync(join(workspace, 'train.py'), 'print("training")\n');
  writeFileSync(join(workspace, 'service.env'), `MY_SERVICE_TOKEN=${TOKEN}\n`);
  mkdirSync(join(workspace, 'data'));
  // The value straddles the first 1 MiB read, so it is split between two reads of the file.
  writeFileSync(join(workspace, 'data', 'dump.txt'), `${'a'.repeat(MiB - 8)}${TOKEN}${'b'.repeat(2 * MiB)}`);
  writeFileSync(join(workspace, 'data', 'rows.csv'), 'text,label\nhello,1\n');
});

afterAll(() => {
  delete process.env.MY_SERVICE_TOKEN;
  app.close();
  home.remove();
  rmSync(workspace, { recursive: true, force: true });
});

describe('a workspace file holding a known secret value', () => {
  it('is left out of the snapshot, named with the reason, and no byte of it is kept', async () => {
    const runId = app.store.createRun({
      goal: 'use the service',
      model: 'ollama/qwen2.5-coder:7b',
      origin: 'new',
    }).runId;
    const payload = await app.snapshots.capture(runId, workspace);
    expect(payload).toMatchObject({
      files: 2,
      withheld: [
        { path: 'data/dump.txt', reason: SECRET_REASON },
        { path: 'service.env', reason: SECRET_REASON },
      ],
    });
    app.store.append(runId, [{ type: 'workspace.snapshot', payload: payload! }]);
    const [shown] = app.store.loadEvents(runId).filter((event) => event.type === 'workspace.snapshot');
    expect(shown?.payload).toEqual(payload);
    expect(describeEvent(shown!).text).toContain(
      `left out: data/dump.txt (${SECRET_REASON}), service.env (${SECRET_REASON})`,
    );
    expect(filesHolding(TOKEN)).toEqual([]);
    expect(readdirBlobs().length).toBeGreaterThan(0);

    // A capture with nothing changed records nothing more; the file is still left out, not picked up.
    expect(await app.snapshots.capture(runId, workspace)).toBeUndefined();

    const point = forkPoint(app, runId, app.store.requireRun(runId).lastSeq);
    const forked = await createFork(app, point, { model: 'ollama/qwen2.5-coder:7b' });
    const restored = join(home.paths.workspaces, forked);
    expect(readFileSync(join(restored, 'train.py'), 'utf8')).toBe('print("training")\n');
    expect(readFileSync(join(restored, 'data', 'rows.csv'), 'utf8')).toBe('text,label\nhello,1\n');
    expect(existsSync(join(restored, 'service.env'))).toBe(false);
    expect(existsSync(join(restored, 'data', 'dump.txt'))).toBe(false);
    expect(filesHolding(TOKEN)).toEqual([]);
  });
});

function readdirBlobs(): string[] {
  const found = spawnSync('find', [home.paths.blobs, '-type', 'f'], { encoding: 'utf8' });
  return found.stdout.split('\n').filter((line) => line !== '');
}
