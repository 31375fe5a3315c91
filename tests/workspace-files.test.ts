// The workspace browser's channels (workspace.files, workspace.file, workspace.diff): a run's files as
// its snapshots recorded them, previews capped, and only paths a snapshot lists ever read.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { dispatch } from '../src/main/api/handlers';
import { captureWorkspace } from '../src/main/store/workspace-snapshot';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let app: App;
let runId: string;
let folder: string;

/** Records the workspace folder as it is now as the run's next snapshot; returns its seq. */
async function snapshot(): Promise<number> {
  const capture = await captureWorkspace(folder, { blobs: app.store.blobs, cache: new Map(), maxBytes: 1 << 30 });
  if (!capture.ok) throw new Error(capture.reason);
  const [event] = app.store.append(runId, [
    {
      type: 'workspace.snapshot',
      payload: { manifest: capture.manifest, files: capture.files, bytes: capture.bytes, newBytes: capture.newBytes },
    },
  ]);
  return event!.seq;
}

async function call(channel: string, input: unknown): Promise<unknown> {
  const result = await dispatch(app.handlers, channel, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

beforeEach(() => {
  home = makeTempHome('looplab-ws-files-');
  app = createApp({ home: home.paths.root, ui: 'web' });
  runId = app.store.createRun({ goal: 'train', model: 'ollama/qwen2.5-coder:7b', origin: 'new' }).runId;
  folder = join(home.paths.workspaces, runId);
  mkdirSync(join(folder, 'outputs'), { recursive: true });
});

afterEach(() => {
  app.close();
  home.remove();
});

describe('workspace files', () => {
  it('lists every file of the latest snapshot or of an earlier step, and reads each as it was then', async () => {
    writeFileSync(join(folder, 'train.py'), 'print("v1")\n');
    const first = await snapshot();
    writeFileSync(join(folder, 'train.py'), 'print("v2")\n');
    writeFileSync(join(folder, 'predictions.csv'), 'id,label\n1,spam\n');
    writeFileSync(join(folder, 'outputs', 'plot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    symlinkSync('/etc/passwd', join(folder, 'outputs', 'passwd'));
    const second = await snapshot();
    rmSync(join(folder, 'train.py'));
    writeFileSync(join(folder, 'predictions.csv'), 'changed after the last snapshot\n');

    const latest = (await call('workspace.files', { runId })) as {
      seq: number;
      entries: unknown[];
      snapshots: unknown[];
    };
    expect(latest.seq).toBe(second);
    expect(latest.entries).toEqual([
      { path: 'outputs', kind: 'dir' },
      { path: 'outputs/passwd', kind: 'link', target: '/etc/passwd' },
      { path: 'outputs/plot.png', kind: 'file', size: 7 },
      { path: 'predictions.csv', kind: 'file', size: 16 },
      { path: 'train.py', kind: 'file', size: 12 },
    ]);
    expect(latest.snapshots).toHaveLength(2);
    const earlier = (await call('workspace.files', { runId, seq: first })) as { entries: { path: string }[] };
    expect(earlier.entries.map((entry) => entry.path)).toEqual(['outputs', 'train.py']);

    expect(await call('workspace.file', { runId, path: 'train.py', seq: first })).toMatchObject({
      kind: 'text',
      text: 'print("v1")\n',
      truncated: false,
    });
    expect(await call('workspace.file', { runId, path: 'predictions.csv' })).toMatchObject({
      kind: 'text',
      text: 'id,label\n1,spam\n',
    });
    expect(await call('workspace.file', { runId, path: 'outputs/plot.png' })).toEqual({
      path: 'outputs/plot.png',
      size: 7,
      seq: second,
      kind: 'image',
      mime: 'image/png',
      base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]).toString('base64'),
    });
    expect(await call('workspace.diff', { runId, from: first, to: second })).toEqual({
      runId,
      from: first,
      to: second,
      changes: [
        { path: 'outputs/plot.png', change: 'added', after: 7 },
        { path: 'predictions.csv', change: 'added', after: 16 },
        { path: 'train.py', change: 'modified', before: 12, after: 12 },
      ],
    });
  });

  it('refuses paths outside the workspace, links, and files no snapshot lists', async () => {
    writeFileSync(join(home.paths.root, 'secret.txt'), 'the host’s secret\n');
    symlinkSync(join(home.paths.root, 'secret.txt'), join(folder, 'link.txt'));
    writeFileSync(join(folder, 'notes.txt'), 'notes\n');
    await snapshot();
    for (const path of ['../secret.txt', '/etc/passwd', 'outputs/../../secret.txt', './notes.txt', 'a\\..\\b']) {
      const result = await dispatch(app.handlers, 'workspace.file', { runId, path });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    for (const path of ['link.txt', 'outputs', 'never-written.txt']) {
      const result = await dispatch(app.handlers, 'workspace.file', { runId, path });
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining(path) } });
    }
  });

  it('says a file is too large to preview past the limit, and shows the beginning of a large CSV', async () => {
    writeFileSync(join(folder, 'big.json'), `[${'1,'.repeat(700_000)}1]`);
    writeFileSync(join(folder, 'big.csv'), `id,x\n${'1,2\n'.repeat(400_000)}`);
    writeFileSync(join(folder, 'model.bin'), Buffer.from([1, 0, 2, 0]));
    await snapshot();
    expect(await call('workspace.file', { runId, path: 'big.json' })).toMatchObject({
      kind: 'too-large',
      size: 1_400_003,
      limit: 1024 * 1024,
    });
    const csv = (await call('workspace.file', { runId, path: 'big.csv' })) as { text: string; truncated: boolean };
    expect({ length: csv.text.length, truncated: csv.truncated, head: csv.text.slice(0, 9) }).toEqual({
      length: 1024 * 1024,
      truncated: true,
      head: 'id,x\n1,2\n',
    });
    expect(await call('workspace.file', { runId, path: 'model.bin' })).toMatchObject({ kind: 'binary', size: 4 });
  });

  it('says why a run without snapshots has no files to list', async () => {
    expect(await call('workspace.files', { runId })).toMatchObject({
      seq: null,
      entries: [],
      note: expect.stringContaining('recorded no snapshot'),
    });
  });
});
