// A run's files for the workspace browser, read from its snapshots (store/workspace-snapshot.ts): the
// listing at a step, a file's content to preview and what changed between two steps. A file is found
// by its path in the snapshot's manifest and read from the content-addressed blob store, so only what
// the run's workspace held can be read: never a path outside it, never through a link.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import {
  IMAGE_PREVIEW_BYTES,
  TEXT_PREVIEW_BYTES,
  imageType,
  showsBeginning,
  type WorkspaceChange,
  type WorkspaceDiff,
  type WorkspaceEntry,
  type WorkspaceFile,
  type WorkspaceListing,
  type WorkspaceSnapshotInfo,
} from '../../shared/workspace-files';
import type { BlobStore } from '../store/blob-store';
import { readManifest, type ManifestEntry } from '../store/workspace-snapshot';

type SnapshotEvent = Extract<RunEvent, { type: 'workspace.snapshot' }>;

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function snapshotsOf(events: readonly RunEvent[]): SnapshotEvent[] {
  return events.filter((event): event is SnapshotEvent => event.type === 'workspace.snapshot');
}

/** The latest snapshot at or before `seq` (the run's latest when undefined). */
function snapshotAt(events: readonly RunEvent[], seq: number | undefined): SnapshotEvent | undefined {
  return snapshotsOf(events).findLast((event) => seq === undefined || event.seq <= seq);
}

function info(event: SnapshotEvent): WorkspaceSnapshotInfo {
  const { files, bytes, skipped } = event.payload;
  return { seq: event.seq, time: event.time, files, bytes, ...(skipped === undefined ? {} : { skipped }) };
}

function entryOf(entry: ManifestEntry): WorkspaceEntry {
  if (entry.kind === 'file') return { path: entry.path, kind: 'file', size: entry.size };
  if (entry.kind === 'link') return { path: entry.path, kind: 'link', target: entry.target };
  return { path: entry.path, kind: 'dir' };
}

/** The run's files as the snapshot at (or before) `seq` recorded them, with every snapshot to choose from. */
export function listWorkspace(
  blobs: BlobStore,
  runId: string,
  events: readonly RunEvent[],
  seq?: number,
): WorkspaceListing {
  const snapshots = snapshotsOf(events).map(info);
  const event = snapshotAt(events, seq);
  const empty = { runId, entries: [], withheld: [], snapshots };
  if (event === undefined) {
    return {
      ...empty,
      seq: null,
      note:
        snapshots.length === 0
          ? 'This run recorded no snapshot of its files (runs recorded before snapshots existed have none).'
          : `No snapshot of the run’s files was taken by event #${seq ?? 0}.`,
    };
  }
  const { manifest, skipped, withheld } = event.payload;
  if (manifest === null) {
    return { ...empty, seq: event.seq, note: skipped ?? 'The workspace was not captured at this step.' };
  }
  const entries = readManifest(blobs, manifest).entries.map(entryOf);
  return { ...empty, seq: event.seq, entries, withheld: withheld ?? [] };
}

function manifestFiles(
  blobs: BlobStore,
  event: SnapshotEvent | undefined,
): Map<string, { hash: string; size: number }> {
  const files = new Map<string, { hash: string; size: number }>();
  const manifest = event?.payload.manifest;
  if (manifest === undefined || manifest === null) return files;
  for (const entry of readManifest(blobs, manifest).entries)
    if (entry.kind === 'file') files.set(entry.path, { hash: entry.hash, size: entry.size });
  return files;
}

/** Up to `limit` bytes from the start of a blob, read without following a link. */
function readHead(blobs: BlobStore, hash: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(blobs.pathOf(hash), READ_FLAGS);
  } catch {
    throw new AppError('not_found', `The content of this file (${hash.slice(0, 12)}) is missing from the data folder.`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new AppError('internal', `Blob ${hash.slice(0, 12)} is not a plain file.`);
    const buffer = Buffer.alloc(limit);
    let read = 0;
    while (read < limit) {
      const got = readSync(fd, buffer, read, limit - read, read);
      if (got === 0) break;
      read += got;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** One file of the snapshot at (or before) `seq`, as much of it as a preview shows. */
export function readWorkspaceFile(
  blobs: BlobStore,
  runId: string,
  events: readonly RunEvent[],
  path: string,
  seq?: number,
): WorkspaceFile {
  const event = snapshotAt(events, seq);
  const file = manifestFiles(blobs, event).get(path);
  if (event === undefined || file === undefined) {
    const where = event === undefined ? 'any snapshot' : `the snapshot of event #${event.seq}`;
    throw new AppError(
      'not_found',
      `${path} is not a file in ${where} of ${runId}.`,
      'Pick a file from the run’s Files list; only files its workspace held can be shown.',
    );
  }
  const base = { path, size: file.size, seq: event.seq };
  const mime = imageType(path);
  if (mime !== undefined) {
    if (file.size > IMAGE_PREVIEW_BYTES) return { ...base, kind: 'too-large', limit: IMAGE_PREVIEW_BYTES };
    return { ...base, kind: 'image', mime, base64: readHead(blobs, file.hash, file.size).toString('base64') };
  }
  const over = file.size > TEXT_PREVIEW_BYTES;
  if (over && !showsBeginning(path)) return { ...base, kind: 'too-large', limit: TEXT_PREVIEW_BYTES };
  const head = readHead(blobs, file.hash, Math.min(file.size, TEXT_PREVIEW_BYTES));
  if (head.includes(0)) return { ...base, kind: 'binary' };
  return { ...base, kind: 'text', text: head.toString('utf8'), truncated: over };
}

/** Files added, removed or changed between the snapshots at (or before) two steps. */
export function diffWorkspace(
  blobs: BlobStore,
  runId: string,
  events: readonly RunEvent[],
  from: number,
  to: number,
): WorkspaceDiff {
  const before = snapshotAt(events, from);
  const after = snapshotAt(events, to);
  const a = manifestFiles(blobs, before);
  const b = manifestFiles(blobs, after);
  const changes: WorkspaceChange[] = [];
  for (const [path, file] of b) {
    const old = a.get(path);
    if (old === undefined) changes.push({ path, change: 'added', after: file.size });
    else if (old.hash !== file.hash) changes.push({ path, change: 'modified', before: old.size, after: file.size });
  }
  for (const [path, file] of a) if (!b.has(path)) changes.push({ path, change: 'removed', before: file.size });
  changes.sort((x, y) => x.path.localeCompare(y.path));
  return { runId, from: before?.seq ?? null, to: after?.seq ?? null, changes };
}
