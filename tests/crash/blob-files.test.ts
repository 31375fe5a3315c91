// Blob files never stand for partial content. A truncated file under a blob's name (left by a full disk
// or a crash of an older Looplab) is not reused: the next write of that content, through an event or a
// workspace snapshot, replaces it, and the run reads back its whole text. On a real small tmpfs with
// too little room, a blob that cannot be written leaves nothing under its name and no temporary file,
// and the same content is stored whole once there is room again.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { BlobStore } from '../../src/main/store/blob-store';
import { openStore, type OpenedStore } from '../../src/main/store/open-store';
import { captureWorkspace } from '../../src/main/store/workspace-snapshot';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { mountTmpfs, tmpfsRequired, unmountTmpfs } from '../helpers/tmpfs';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under `dir`, by path relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

/** Every blob file whose content does not hash to its name. */
function mismatched(blobsDir: string): string[] {
  return filesUnder(blobsDir).filter((path) => sha256(readFileSync(join(blobsDir, path))) !== path.split('/').at(-1));
}

function plantTruncated(blobsDir: string, content: string, keep: number): string {
  const hash = sha256(content);
  mkdirSync(join(blobsDir, hash.slice(0, 2)), { recursive: true });
  writeFileSync(join(blobsDir, hash.slice(0, 2), hash), content.slice(0, keep));
  return hash;
}

/** A data folder with its store open, closed and removed when the test ends. */
function freshStore(): { home: TempHome; opened: OpenedStore } {
  const home = makeTempHome();
  const opened = openStore(home.paths);
  onTestFinished(() => {
    opened.close();
    home.remove();
  });
  return { home, opened };
}

describe('a truncated blob file', () => {
  it('is replaced by the next event that stores the same text', () => {
    const { home, opened } = freshStore();
    const text = `${'line of tool output\n'.repeat(2_000)}end\n`;
    plantTruncated(home.paths.blobs, text, 4_096);
    expect(mismatched(home.paths.blobs)).toHaveLength(1);
    const runId = opened.store.createRun({ goal: 'g', model: 'ollama/qwen2.5-coder:7b', origin: 'new' }).runId;
    opened.store.append(runId, [{ type: 'message.user', payload: { text, source: 'person' } }]);
    expect(mismatched(home.paths.blobs)).toEqual([]);
    const [, message] = opened.store.loadEvents(runId);
    expect(message?.type === 'message.user' && message.payload.text).toBe(text);
  });

  it('is replaced by the next snapshot of a file with that content', async () => {
    const { home, opened } = freshStore();
    const content = 'x,y\n'.repeat(50_000);
    plantTruncated(home.paths.blobs, content, 100);
    const workspace = mkdtempSync(join(tmpdir(), 'looplab-blob-ws-'));
    try {
      writeFileSync(join(workspace, 'data.csv'), content);
      const result = await captureWorkspace(workspace, {
        blobs: opened.store.blobs,
        cache: new Map(),
        maxBytes: 10_000_000,
      });
      expect(result.ok).toBe(true);
      expect(mismatched(home.paths.blobs)).toEqual([]);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

const probe = mountTmpfs('1m');
const mountable = probe !== undefined;
if (probe !== undefined) unmountTmpfs(probe);

describe.skipIf(!mountable && !tmpfsRequired)('blobs on a disk with too little room', () => {
  let disk: string;

  beforeEach(() => {
    // About 420 KB will be left free: less than either blob needs.
    const mounted = mountTmpfs('1m', 'looplab-blob-disk-');
    if (mounted === undefined)
      throw new Error('LOOPLAB_REQUIRE_MOUNT=1, but a tmpfs cannot be mounted here (run as root).');
    disk = mounted;
  });

  afterEach(() => unmountTmpfs(disk));

  it('leaves nothing under a blob’s name when it cannot be written, and stores it whole later', async () => {
    const dir = join(disk, 'blobs');
    const blobs = new BlobStore(dir);
    const filler = join(disk, 'filler');
    // About 420 KB left, as in the report.
    writeFileSync(filler, Buffer.alloc(600 * 1024));
    const text = 'y'.repeat(450 * 1024);
    expect(() => blobs.put(text)).toThrow(/ENOSPC|no space/i);
    const streamed = Buffer.alloc(450 * 1024, 'z');
    await expect(
      blobs.putStream(Readable.from([streamed.subarray(0, 200_000), streamed.subarray(200_000)])),
    ).rejects.toThrow(/ENOSPC|no space/i);
    expect(filesUnder(dir)).toEqual([]);

    rmSync(filler);
    const ref = blobs.put(text);
    expect(ref.$blob).toBe(sha256(text));
    const stored = await blobs.putStream(Readable.from([streamed]));
    expect(stored).toEqual({ hash: sha256(streamed), size: streamed.length, stored: true });
    expect(mismatched(dir)).toEqual([]);
    expect(filesUnder(dir).sort()).toEqual(
      [`${ref.$blob.slice(0, 2)}/${ref.$blob}`, `${stored.hash.slice(0, 2)}/${stored.hash}`].sort(),
    );
  });
});
