// How much of the data folder each run takes: its events in the database, the blobs it refers to
// (large text, snapshot manifests and the files they list; a blob shared by runs counts in each) and
// its workspace folder. For `looplab runs --sort size` and the settings' disk use.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from '../home';
import { addReferences, type EventRowPayload } from './blob-references';
import type { BlobStore } from './blob-store';
import type { SqliteDatabase } from './database';

/** Bytes per run id. */
export function runSizes(db: SqliteDatabase, blobs: BlobStore, paths: HomePaths): Map<string, number> {
  const known = new Map(
    (db.prepare('SELECT hash, size FROM blobs').all() as { hash: string; size: number }[]).map((row) => [
      row.hash,
      row.size,
    ]),
  );
  const blobBytes = (hash: string): number => {
    let size = known.get(hash);
    if (size === undefined) {
      size = statSync(blobs.pathOf(hash), { throwIfNoEntry: false })?.size ?? 0;
      known.set(hash, size);
    }
    return size;
  };
  const sizes = new Map<string, number>();
  const rows = db
    .prepare(
      `SELECT k.id AS run_id, e.type, e.payload FROM events e JOIN run_keys k ON k.key = e.run_key
       ORDER BY e.run_key`,
    )
    .iterate() as Iterable<EventRowPayload & { run_id: string }>;
  let current: string | undefined;
  let bytes = 0;
  let referenced = new Set<string>();
  const finish = () => {
    if (current === undefined) return;
    for (const hash of referenced) if (!hash.startsWith('manifest:')) bytes += blobBytes(hash);
    sizes.set(current, bytes + folderBytes(join(paths.workspaces, current)));
  };
  for (const row of rows) {
    if (row.run_id !== current) {
      finish();
      current = row.run_id;
      bytes = 0;
      referenced = new Set();
    }
    bytes += row.payload.length;
    addReferences(row, blobs, referenced);
  }
  finish();
  return sizes;
}

/** Bytes under a folder, not following links (a workspace may link anywhere). */
function folderBytes(path: string): number {
  const info = lstatSync(path, { throwIfNoEntry: false });
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return 0;
  }
  for (const name of names) total += folderBytes(join(path, name));
  return total;
}
