// Opens the store of a data folder: database, blobs and the event store over both. Commands that only
// read history ask for `read` access: where the folder cannot be written (a full disk, a read-only
// mount) they still get a store, opened read-only, whose appends fail naming the folder.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { HomePaths } from '../home';
import { BlobStore } from './blob-store';
import { openDatabase, openDatabaseForReading, type OpenOptions, type SqliteDatabase } from './database';
import { DataLifecycle } from './data-lifecycle';
import { EventStore } from './event-store';
import { StoreThread } from './store-thread';
import { RunOwners } from './run-owners';
import { DataFolderError } from './storage-errors';
import { WalSync } from './wal-sync';

export interface OpenedStore {
  store: EventStore;
  owners: RunOwners;
  lifecycle: DataLifecycle;
  db: SqliteDatabase;
  close(): void;
}

export interface StoreOpenOptions extends OpenOptions {
  /** 'read': fall back to a read-only store when the folder cannot be written. */
  access?: 'write' | 'read';
  /**
   * 'each-commit' (default): every append waits for the disk. 'off-thread': a commit does not; the WAL
   * is synced right after on another thread, and the batch published when that sync ends (wal-sync.ts).
   */
  sync?: 'each-commit' | 'off-thread';
}

export function openStore(paths: HomePaths, options: StoreOpenOptions = {}): OpenedStore {
  let db: SqliteDatabase;
  try {
    db = openDatabase(paths.database, options);
  } catch (error) {
    if (options.access !== 'read' || !(error instanceof DataFolderError)) throw error;
    return openForReading(paths, options, error);
  }
  // Searching and listing a big log, and checkpoints, run on a thread of their own (store-thread.ts).
  const thread = new StoreThread(db, options.nativeBinding);
  const walSync = options.sync === 'off-thread' ? offThreadSync(db, paths) : undefined;
  const store = new EventStore(db, new BlobStore(paths.blobs), { thread, ...(walSync && { walSync }) });
  const owners = new RunOwners(db, store);
  owners.recoverInterrupted();
  const close = () => {
    thread.close();
    walSync?.close();
    db.close();
  };
  return { store, owners, lifecycle: new DataLifecycle(db, store, owners, paths), db, close };
}

function offThreadSync(db: SqliteDatabase, paths: HomePaths): WalSync {
  db.pragma('synchronous = NORMAL');
  return new WalSync(`${paths.database}-wal`, paths.root);
}

function openForReading(paths: HomePaths, options: OpenOptions, failure: DataFolderError): OpenedStore {
  const opened = readInPlace(paths.database, options) ?? readCopy(paths.database, options);
  if (opened === undefined) throw failure;
  const store = new EventStore(opened.db, new BlobStore(paths.blobs), {
    folder: paths.root,
    readOnly: { problem: failure.problem, reason: failure.reason },
  });
  const owners = new RunOwners(opened.db, store);
  return {
    store,
    owners,
    lifecycle: new DataLifecycle(opened.db, store, owners, paths),
    db: opened.db,
    close: () => {
      opened.db.close();
      opened.cleanup?.();
    },
  };
}

function readInPlace(file: string, options: OpenOptions): { db: SqliteDatabase; cleanup?: () => void } | undefined {
  const db = openDatabaseForReading(file, options);
  return db === undefined ? undefined : { db };
}

/**
 * The database as it is on disk, in memory, where SQLite cannot open it read-only in place (its
 * -shm cannot be created). Commits still in the -wal need SQLite to read it, so then both files are
 * copied to a temporary folder elsewhere and opened there. Undefined when neither is possible.
 */
function readCopy(file: string, options: OpenOptions): { db: SqliteDatabase; cleanup?: () => void } | undefined {
  const nativeBinding = options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding };
  const wal = `${file}-wal`;
  try {
    if (!existsSync(wal) || statSync(wal).size === 0) {
      const bytes = readFileSync(file);
      // Bytes 18 and 19 say WAL (2); an in-memory copy reads as a rollback-journal database (1).
      bytes[18] = 1;
      bytes[19] = 1;
      return { db: new Database(bytes, { ...nativeBinding, readonly: true }) };
    }
    const dir = mkdtempSync(join(tmpdir(), 'looplab-read-'));
    const cleanup = () => rmSync(dir, { recursive: true, force: true });
    try {
      copyFileSync(file, join(dir, 'looplab.db'));
      copyFileSync(wal, join(dir, 'looplab.db-wal'));
      return { db: new Database(join(dir, 'looplab.db'), { ...nativeBinding, readonly: true }), cleanup };
    } catch {
      cleanup();
      return undefined;
    }
  } catch {
    return undefined;
  }
}
