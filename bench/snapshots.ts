// Workspace snapshot benchmarks: a run that edits one file of a 100 MB workspace (100 files of 1 MB) 50
// times, snapshotted after each edit. Storage against 50 full copies, and the time of a snapshot after
// an edit against hashing the whole workspace once, both measured here.
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BlobStore } from '../src/main/store/blob-store';
import { captureWorkspace, type HashCache } from '../src/main/store/workspace-snapshot';
import { report } from './report';

const FILES = 100;
const FILE_BYTES = 1024 * 1024;
const EDITS = 50;
const MB = 1024 * 1024;

async function hashFolder(folder: string): Promise<number> {
  const start = performance.now();
  for (const name of readdirSync(folder).sort()) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(folder, name), { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
    hash.digest('hex');
  }
  return performance.now() - start;
}

function folderBytes(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchSnapshots(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'looplab-bench-snapshots-'));
  try {
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    const past = new Date(Date.now() - 60_000);
    for (let index = 0; index < FILES; index++) {
      const file = join(workspace, `shard-${String(index).padStart(3, '0')}.bin`);
      writeFileSync(file, randomBytes(FILE_BYTES));
      utimesSync(file, past, past);
    }
    const blobsDir = join(base, 'blobs');
    const blobs = new BlobStore(blobsDir);
    const cache: HashCache = new Map();
    const options = { blobs, cache, maxBytes: 4 * 1024 * MB };

    await hashFolder(workspace); // warm-up: page cache
    const hashOnce = median([await hashFolder(workspace), await hashFolder(workspace), await hashFolder(workspace)]);

    let start = performance.now();
    const first = await captureWorkspace(workspace, options);
    const firstMs = performance.now() - start;
    if (!first.ok) throw new Error(first.reason);

    const perSnapshot: number[] = [];
    let newBytes = first.newBytes;
    for (let edit = 0; edit < EDITS; edit++) {
      writeFileSync(join(workspace, 'shard-042.bin'), randomBytes(FILE_BYTES));
      start = performance.now();
      const result = await captureWorkspace(workspace, options);
      perSnapshot.push(performance.now() - start);
      if (!result.ok) throw new Error(result.reason);
      newBytes += result.newBytes;
    }
    start = performance.now();
    const unchanged = await captureWorkspace(workspace, options);
    const unchangedMs = performance.now() - start;
    if (!unchanged.ok) throw new Error(unchanged.reason);

    const stored = folderBytes(blobsDir);
    const naive = (EDITS + 1) * FILES * FILE_BYTES;
    report(
      `storage of ${EDITS + 1} snapshots of a 100 MB workspace, one 1 MB file edited between them`,
      stored / MB,
      'MB',
      { label: `${EDITS + 1} full copies`, value: naive / MB },
      { target: '≤ 2× the workspace plus the edits', met: (value) => value <= (2 * FILES + EDITS) * (FILE_BYTES / MB) },
    );
    report(
      'snapshot after a one-file edit (p50 of 50)',
      median(perSnapshot),
      'ms',
      { label: 'hashing the whole workspace once', value: hashOnce },
      { target: '≤ one fifth of the full hash', met: (value) => value <= hashOnce / 5 },
    );
    report('snapshot of an unchanged workspace', unchangedMs, 'ms', {
      label: 'hashing the whole workspace once',
      value: hashOnce,
    });
    report(`first snapshot (stores all ${FILES} MB)`, firstMs, 'ms', {
      label: 'hashing the whole workspace once',
      value: hashOnce,
    });
    console.log(`  (content stored by the snapshots: ${(newBytes / MB).toFixed(1)} MB)`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchSnapshots();
