// Opens the store of a data folder: database, blobs and the event store over both.
import type { HomePaths } from '../home';
import { BlobStore } from './blob-store';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './database';
import { EventStore } from './event-store';
import { RunOwners } from './run-owners';

export interface OpenedStore {
  store: EventStore;
  owners: RunOwners;
  db: SqliteDatabase;
  close(): void;
}

export function openStore(paths: HomePaths, options: OpenOptions = {}): OpenedStore {
  const db = openDatabase(paths.database, options);
  const store = new EventStore(db, new BlobStore(paths.blobs));
  const owners = new RunOwners(db, store);
  owners.recoverInterrupted();
  return { store, owners, db, close: () => db.close() };
}
