// Opens the run database: WAL for concurrent readers, FULL sync so a committed event survives a
// crash or power loss, and the schema brought up to date by the migrations. Several processes may
// write one data folder (the app and `looplab` commands), so every write transaction takes the write
// lock when it begins (BEGIN IMMEDIATE) and waits for it: a deferred one that reads first fails at once
// when another process has committed meanwhile, whatever the busy timeout.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { migrations } from './migrations';
import { dataFolderFailure, writingTo } from './storage-errors';

export type SqliteDatabase = Database.Database;

/** How long a writer waits for another process's write transaction before giving up. */
export const BUSY_TIMEOUT_MS = 15_000;

export interface OpenOptions {
  /** A better-sqlite3 binary built for another ABI (Electron's); see scripts/electron-native.mjs. */
  nativeBinding?: string | undefined;
  readonly?: boolean;
}

/** Runs work in one write transaction that holds the write lock from its start. */
export function writeTransaction<T>(db: SqliteDatabase, work: () => T): T {
  return db.transaction(work).immediate();
}

function connect(file: string, options: OpenOptions, extra: { readonly?: boolean } = {}): SqliteDatabase {
  return new Database(file, {
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    readonly: extra.readonly ?? options.readonly ?? false,
    fileMustExist: extra.readonly ?? options.readonly ?? false,
  });
}

export function openDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = connect(file, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw (
      dataFolderFailure(error, dirname(file)) ??
      new AppError(
        'unavailable',
        `Cannot open the run database at ${file}: ${reason}`,
        'Check that the data folder exists and is writable, or choose another with --home or LOOPLAB_HOME.',
      )
    );
  }
  try {
    writingTo(dirname(file), () => {
      // First, so that switching a new database to WAL and migrating wait for another process too.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      switchToWal(db);
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    });
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Opens the database only to read it, for commands that read history when the folder cannot be
 * written (a full disk, a read-only mount). A WAL database opened read-only needs its -shm file, which
 * SQLite creates when it can; where it cannot, this returns undefined and the caller reads a copy
 * (open-store.ts). SQLite's `immutable` URI parameter would avoid the -shm, but better-sqlite3 is built
 * without URI file names.
 */
export function openDatabaseForReading(file: string, options: OpenOptions = {}): SqliteDatabase | undefined {
  if (!existsSync(file)) return undefined;
  let db: SqliteDatabase | undefined;
  try {
    db = connect(file, options, { readonly: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if ((db.pragma('user_version', { simple: true }) as number) === migrations.length) return db;
  } catch {
    // Below: closed, and the caller reads a copy.
  }
  db?.close();
  return undefined;
}

/**
 * Switching a database to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once (its busy
 * handler is not called for it) while another process opening the same new folder holds one: wait and
 * try again, within the busy timeout.
 */
function switchToWal(db: SqliteDatabase): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

export function migrate(db: SqliteDatabase): void {
  if ((db.pragma('user_version', { simple: true }) as number) === migrations.length) return;
  // Read again and moved under the write lock: two processes opening a new folder at once migrate it once.
  writeTransaction(db, () => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new AppError(
        'conflict',
        `The run database is at schema version ${current}, newer than this Looplab understands (${migrations.length}).`,
        'Update Looplab, or point --home at another data folder.',
      );
    }
    for (let version = current; version < migrations.length; version++) {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }
  });
}
