// Collects blobs that no run refers to any more (after runs are deleted), and the workspace folders
// of runs that are gone, so a person can keep the data folder bounded.
//
// Why it is safe beside writers in this and other processes:
// - An append writes its blob files first and commits the events that refer to them after, so a blob
//   may be on disk before anything refers to it. The sweep runs under the write lock (one IMMEDIATE
//   transaction): it first adds the references of events committed since the mark, then deletes the
//   rows of unreferenced blobs, and only then, still holding the lock, their files. An append checks,
//   under the same lock, that each blob file it refers to exists, and writes it again when it does not
//   (EventStore.append), so a blob it reused a moment before the sweep removed it is not lost.
// - Workspace snapshots store files (no row) long before the event that lists them is recorded, and
//   cannot write them again. So files without a row are removed only while no run is live (a live run
//   holds a lease in run_owners, taken under the same lock, and only live runs take snapshots) and
//   only when older than GRACE_MS (an import or a capture finishing as its run ends).
// - A kill at any point leaves a consistent store: the transaction commits its row deletions only
//   with the files gone or not at all; a file removed before a rollback had no reference (its row is
//   removed by the next collection); temporary files are never touched.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobStore } from './blob-store';
import { addReferences, type EventRowPayload } from './blob-references';
import { writeTransaction, type SqliteDatabase } from './database';
import type { RunOwners } from './run-owners';

/** Files without a row younger than this are kept: a capture or import may be about to refer to them. */
export const GRACE_MS = 15 * 60 * 1000;

const HASH = /^[0-9a-f]{64}$/;

export interface GcOptions {
  dryRun?: boolean;
  /** Told of each removal as it happens (crash tests kill at a random one). */
  onRemove?: (what: string) => void;
  now?: number;
}

export interface GcResult {
  blobs: number;
  bytes: number;
  /** Workspace folders of runs that no longer exist. */
  folders: number;
  /** Unreferenced blob files kept because a run is live or they are recent. */
  kept: number;
}

interface Candidate {
  hash: string;
  bytes: number;
  hasRow: boolean;
  young: boolean;
}

export class BlobCollector {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly blobs: BlobStore,
    private readonly owners: RunOwners,
    private readonly folders: { blobs: string; workspaces: string },
  ) {}

  collect(options: GcOptions = {}): GcResult {
    const { referenced, upTo } = this.mark();
    const candidates = this.unreferenced(referenced, options.now ?? Date.now());
    const result: GcResult = { blobs: 0, bytes: 0, folders: 0, kept: 0 };
    const swept = writeTransaction(this.db, () => this.sweep(candidates, upTo, options));
    Object.assign(result, swept);
    result.folders = this.removeOrphanFolders(options);
    return result;
  }

  /** Every hash the log refers to, read in one snapshot; and the last event id it read. */
  private mark(): { referenced: Set<string>; upTo: number } {
    return this.db
      .transaction(() => {
        const referenced = new Set<string>();
        const upTo = this.db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number;
        const rows = this.db.prepare('SELECT type, payload FROM events WHERE id <= ?').iterate(upTo);
        for (const row of rows as Iterable<EventRowPayload>) addReferences(row, this.blobs, referenced);
        return { referenced, upTo };
      })
      .deferred();
  }

  private unreferenced(referenced: Set<string>, now: number): Candidate[] {
    const rows = new Map(
      (this.db.prepare('SELECT hash, size FROM blobs').all() as { hash: string; size: number }[]).map((row) => [
        row.hash,
        row.size,
      ]),
    );
    const candidates = new Map<string, Candidate>();
    for (const prefix of safeList(this.folders.blobs)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of safeList(join(this.folders.blobs, prefix))) {
        if (!HASH.test(name) || referenced.has(name)) continue;
        const stat = statSync(join(this.folders.blobs, prefix, name), { throwIfNoEntry: false });
        if (stat === undefined) continue;
        candidates.set(name, {
          hash: name,
          bytes: stat.size,
          hasRow: rows.has(name),
          young: now - stat.mtimeMs < GRACE_MS,
        });
      }
    }
    for (const [hash] of rows) {
      if (!referenced.has(hash) && !candidates.has(hash))
        candidates.set(hash, { hash, bytes: 0, hasRow: true, young: false });
    }
    return [...candidates.values()];
  }

  private sweep(candidates: Candidate[], upTo: number, options: GcOptions): Omit<GcResult, 'folders'> {
    const since = new Set<string>();
    const rows = this.db.prepare('SELECT type, payload FROM events WHERE id > ?').iterate(upTo);
    for (const row of rows as Iterable<EventRowPayload>) addReferences(row, this.blobs, since);
    const live = this.owners.anyLive();
    const result = { blobs: 0, bytes: 0, kept: 0 };
    const deleteRow = this.db.prepare('DELETE FROM blobs WHERE hash = ?');
    for (const candidate of candidates) {
      if (since.has(candidate.hash)) continue;
      if (!candidate.hasRow && (live || candidate.young)) {
        result.kept += 1;
        continue;
      }
      result.blobs += 1;
      result.bytes += candidate.bytes;
      if (options.dryRun) continue;
      deleteRow.run(candidate.hash);
      rmSync(this.blobs.pathOf(candidate.hash), { force: true });
      options.onRemove?.(`blob ${candidate.hash}`);
    }
    return result;
  }

  /** Workspace folders whose run is gone: a delete cut off after its transaction leaves them. */
  private removeOrphanFolders(options: GcOptions): number {
    const known = this.db.prepare('SELECT 1 FROM run_keys WHERE id = ?').pluck();
    let removed = 0;
    for (const name of safeList(this.folders.workspaces)) {
      if (!name.startsWith('run_') || known.get(name) !== undefined) continue;
      removed += 1;
      if (options.dryRun) continue;
      rmSync(join(this.folders.workspaces, name), { recursive: true, force: true });
      options.onRemove?.(`folder ${name}`);
    }
    return removed;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
