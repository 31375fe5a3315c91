// Workspace snapshots on real folders: what a snapshot stores, what it costs when little or nothing
// changed, links that lead outside, and an exact restore.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from './blob-store';
import { captureWorkspace, readManifest, restoreWorkspace, type HashCache } from './workspace-snapshot';
import { WorkspaceSnapshots } from './workspace-snapshots';

let base: string;
let blobs: BlobStore;
let folder: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'looplab-snapshot-'));
  blobs = new BlobStore(join(base, 'blobs'));
  folder = join(base, 'workspace');
  mkdirSync(folder);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const MAX = 1024 ** 3;

async function capture(root = folder, cache: HashCache = new Map(), maxBytes = MAX) {
  const result = await captureWorkspace(root, { blobs, cache, maxBytes });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** Files in the blob store (file contents and manifests). */
function storedBlobs(): string[] {
  return readdirSync(join(base, 'blobs'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

/** Sets a file's times in the past, so a later scan may trust its hash. */
function age(path: string): void {
  utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
}

describe('workspace snapshots', () => {
  it('records files by content, folders and modes in a manifest stored by its hash', async () => {
    mkdirSync(join(folder, 'src/empty'), { recursive: true });
    writeFileSync(join(folder, 'src/train.py'), 'print(1)\n');
    writeFileSync(join(folder, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    chmodSync(join(folder, 'run.sh'), 0o755);
    const result = await capture();
    expect(result).toEqual({
      ok: true,
      manifest: expect.stringMatching(/^[0-9a-f]{64}$/),
      files: 2,
      bytes: 19,
      newBytes: 19,
      withheld: [],
    });
    expect(readManifest(blobs, result.manifest)).toEqual({
      version: 1,
      entries: [
        { path: 'run.sh', kind: 'file', hash: sha('#!/bin/sh\n'), size: 10, mode: 0o755 },
        { path: 'src', kind: 'dir', mode: statSync(join(folder, 'src')).mode & 0o7777 },
        { path: 'src/empty', kind: 'dir', mode: statSync(join(folder, 'src/empty')).mode & 0o7777 },
        { path: 'src/train.py', kind: 'file', hash: sha('print(1)\n'), size: 9, mode: 0o644 },
      ],
    });
    expect(readFileSync(blobs.pathOf(sha('print(1)\n')), 'utf8')).toBe('print(1)\n');
  });

  it('stores equal contents once, and nothing new for an unchanged workspace', async () => {
    writeFileSync(join(folder, 'a.txt'), 'same bytes');
    writeFileSync(join(folder, 'b.txt'), 'same bytes');
    const first = await capture();
    expect(first.newBytes).toBe(10);
    const stored = storedBlobs();
    expect(stored).toHaveLength(2); // one content, one manifest

    const second = await capture();
    expect(second).toEqual({ ...first, newBytes: 0 });
    expect(storedBlobs()).toEqual(stored);

    // The same content in another run's folder costs nothing either.
    const other = join(base, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'copy.txt'), 'same bytes');
    expect((await capture(other)).newBytes).toBe(0);
  });

  it('stores only the edited file when one of many changes', async () => {
    for (let index = 0; index < 20; index++) writeFileSync(join(folder, `f${index}.bin`), `file ${index}`.repeat(100));
    const cache: HashCache = new Map();
    await capture(folder, cache);
    writeFileSync(join(folder, 'f7.bin'), 'edited');
    const after = await capture(folder, cache);
    expect(after.newBytes).toBe(6);
    expect(readManifest(blobs, after.manifest).entries.find((entry) => entry.path === 'f7.bin')).toMatchObject({
      hash: sha('edited'),
    });
  });

  it('does not read a file again while its size, times and inode are unchanged', async () => {
    writeFileSync(join(folder, 'data.csv'), 'a,b\n1,2\n');
    age(join(folder, 'data.csv'));
    const cache: HashCache = new Map();
    await capture(folder, cache);
    const known = cache.get('data.csv')!;
    expect(known.hash).toBe(sha('a,b\n1,2\n'));
    // A hash it could only have from the cache: the file was not read.
    cache.set('data.csv', { key: known.key, hash: sha('from the cache') });
    const again = await capture(folder, cache);
    expect(readManifest(blobs, again.manifest).entries).toEqual([
      { path: 'data.csv', kind: 'file', hash: sha('from the cache'), size: 8, mode: 0o644 },
    ]);
    // Changed (and so a new ctime): read again.
    writeFileSync(join(folder, 'data.csv'), 'a,b\n3,4\n');
    const changed = await capture(folder, cache);
    expect(readManifest(blobs, changed.manifest).entries[0]).toMatchObject({ hash: sha('a,b\n3,4\n') });
  });

  it('records a link that leads outside as a link, and restores it without following it', async () => {
    const outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'host secret');
    symlinkSync(join(outside, 'secret.txt'), join(folder, 'secret-link'));
    symlinkSync(outside, join(folder, 'outside-dir'));
    symlinkSync('/etc', join(folder, 'etc'));
    const result = await capture();
    expect(readManifest(blobs, result.manifest).entries).toEqual([
      { path: 'etc', kind: 'link', target: '/etc' },
      { path: 'outside-dir', kind: 'link', target: outside },
      { path: 'secret-link', kind: 'link', target: join(outside, 'secret.txt') },
    ]);
    expect(result.files).toBe(0);
    expect(blobs.has(sha('host secret'))).toBe(false);

    const restored = join(base, 'restored');
    await restoreWorkspace(blobs, result.manifest, restored);
    expect(lstatSync(join(restored, 'outside-dir')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(restored, 'secret-link'))).toBe(join(outside, 'secret.txt'));
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('refuses a manifest that would write through a link', async () => {
    const outside = join(base, 'outside');
    mkdirSync(outside);
    const content = blobs.put('planted').$blob;
    const manifest = blobs.put(
      JSON.stringify({
        version: 1,
        entries: [
          { path: 'out', kind: 'link', target: outside },
          { path: 'out/planted.txt', kind: 'file', hash: content, size: 7, mode: 0o644 },
        ],
      }),
    ).$blob;
    await expect(restoreWorkspace(blobs, manifest, join(base, 'restored'))).rejects.toThrow(
      'The snapshot lists out/planted.txt outside any folder it restores.',
    );
    expect(readdirSync(outside)).toEqual([]);
    const escaping = blobs.put(
      JSON.stringify({ version: 1, entries: [{ path: '../x', kind: 'file', hash: content, size: 7, mode: 0o644 }] }),
    ).$blob;
    await expect(restoreWorkspace(blobs, escaping, join(base, 'restored2'))).rejects.toThrow(/is damaged/);
    expect(existsSync(join(base, 'x'))).toBe(false);
  });

  it('restores exactly: contents, modes (but set-user bits), empty folders and links, into an empty folder only', async () => {
    mkdirSync(join(folder, 'data/raw'), { recursive: true });
    mkdirSync(join(folder, 'locked'));
    writeFileSync(join(folder, 'data/raw/x.csv'), 'x\n1\n');
    writeFileSync(join(folder, 'locked/readme'), 'read only');
    writeFileSync(join(folder, 'train.sh'), 'python3 train.py\n');
    chmodSync(join(folder, 'train.sh'), 0o750);
    chmodSync(join(folder, 'locked/readme'), 0o400);
    chmodSync(join(folder, 'locked'), 0o500);
    writeFileSync(join(folder, 'suid'), 'x');
    chmodSync(join(folder, 'suid'), 0o4755);
    symlinkSync('data/raw/x.csv', join(folder, 'latest.csv'));
    const result = await capture();

    const restored = join(base, 'restored');
    const cache = await restoreWorkspace(blobs, result.manifest, restored);
    // The same workspace, but for the set-user bit, which is not given back.
    expect(statSync(join(restored, 'suid')).mode & 0o7777).toBe(0o755);
    chmodSync(join(restored, 'suid'), 0o4755);
    expect(await capture(restored)).toMatchObject({ manifest: result.manifest, newBytes: 0 });
    expect(statSync(join(restored, 'train.sh')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(restored, 'locked')).mode & 0o7777).toBe(0o500);
    expect(readFileSync(join(restored, 'latest.csv'), 'utf8')).toBe('x\n1\n');
    expect([...cache.keys()].sort()).toEqual(['data/raw/x.csv', 'locked/readme', 'suid', 'train.sh']);

    await expect(restoreWorkspace(blobs, result.manifest, folder)).rejects.toThrow(/is not empty/);
    chmodSync(join(folder, 'locked'), 0o700);
    chmodSync(join(restored, 'locked'), 0o700);
  });

  it('hashes a large file in pieces, to the same hash as the whole', async () => {
    const chunk = Buffer.alloc(1 << 20, 7);
    const parts = Array.from({ length: 12 }, (_, index) => Buffer.concat([chunk, Buffer.from([index])]));
    writeFileSync(join(folder, 'weights.bin'), Buffer.concat(parts));
    const whole = createHash('sha256');
    for (const part of parts) whole.update(part);
    const result = await capture();
    expect(readManifest(blobs, result.manifest).entries[0]).toMatchObject({
      hash: whole.digest('hex'),
      size: 12 * ((1 << 20) + 1),
    });
  });
});

describe('snapshots of a run', () => {
  it('records a change once, nothing while unchanged, and a workspace over the cap once, as skipped', async () => {
    const snapshots = new WorkspaceSnapshots(blobs, { loadEvents: () => [] }, 1000);
    writeFileSync(join(folder, 'a.txt'), 'one');
    const first = await snapshots.capture('run_a', folder, { callId: 'call_1' });
    expect(first).toEqual({
      manifest: expect.stringMatching(/^[0-9a-f]{64}$/),
      files: 1,
      bytes: 3,
      newBytes: 3,
      callId: 'call_1',
    });
    expect(await snapshots.capture('run_a', folder, { callId: 'call_2' })).toBeUndefined();

    writeFileSync(join(folder, 'big.bin'), Buffer.alloc(2000));
    const skipped = await snapshots.capture('run_a', folder, { jobId: 'job_1' });
    expect(skipped).toEqual({
      manifest: null,
      files: 0,
      bytes: 2003,
      newBytes: 0,
      jobId: 'job_1',
      skipped:
        'Not captured: the workspace holds more than 1 KB, the cap per run (LOOPLAB_SNAPSHOT_MAX_BYTES). Forks from here on are not possible until it is smaller.',
    });
    expect(await snapshots.capture('run_a', folder)).toBeUndefined();

    rmSync(join(folder, 'big.bin'));
    expect(await snapshots.capture('run_a', folder)).toEqual({ ...first, newBytes: 0, callId: undefined });
  });

  it('captures one at a time per run, whoever asks', async () => {
    const snapshots = new WorkspaceSnapshots(blobs, { loadEvents: () => [] });
    writeFileSync(join(folder, 'a.txt'), 'one');
    const both = await Promise.all([
      snapshots.capture('run_a', folder, { callId: 'call_1' }),
      snapshots.capture('run_a', folder, { jobId: 'job_1' }),
    ]);
    expect(both.map((payload) => payload?.files)).toEqual([1, undefined]);
  });
});
