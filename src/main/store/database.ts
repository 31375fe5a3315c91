// Opens the run database: WAL for concurrent readers, FULL sync so a committed event survives a
// crash or power loss, and the schema brought up to date by the migrations.
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { migrations } from './migrations';
import { dataFolderFailure, writingTo } from './storage-errors';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /** A better-sqlite3 binary built for another ABI (Electron's); see scripts/electron-native.mjs. */
  nativeBinding?: string | undefined;
  readonly?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(file, {
      ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
      readonly: options.readonly ?? false,
    });
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
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
    });
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new AppError(
      'conflict',
      `The run database is at schema version ${current}, newer than this Looplab understands (${migrations.length}).`,
      'Update Looplab, or point --home at another data folder.',
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
