// The `events` table's rows and the statements the event store runs over them. Events are keyed by a
// run's small integer key (`run_keys`), joined back to the run's id when read.
import type { RunEvent } from '../../shared/events';
import type { SqliteDatabase } from './database';
import { runColumns } from './run-rows';

export interface EventRow {
  id: number;
  run_id: string;
  seq: number;
  type: RunEvent['type'];
  payload: string;
  time: number;
}

export function rowToEvent(row: EventRow): RunEvent {
  return {
    runId: row.run_id,
    seq: row.seq,
    time: row.time,
    type: row.type,
    payload: JSON.parse(row.payload),
  } as RunEvent;
}

const eventColumns = 'e.id, k.id AS run_id, e.seq, e.type, e.payload, e.time';

// The newest matches (a window, see event-search.ts, which ranks them), newest first: reading the
// newest few of a word's matches costs the same on a million events as on a thousand. Run on the
// store's connection, or on its worker thread's (store-thread.ts).
export const searchQuery = `SELECT ${eventColumns}, r.goal
  FROM (SELECT rowid FROM event_text WHERE event_text MATCH ? ORDER BY rowid DESC LIMIT ?) t
  JOIN events e ON e.id = t.rowid JOIN run_keys k ON k.key = e.run_key
  JOIN runs r ON r.id = k.id ORDER BY e.id DESC`;

export function prepareStatements(db: SqliteDatabase) {
  return {
    runKey: db.prepare('SELECT key FROM run_keys WHERE id = ?').pluck(),
    insertRunKey: db.prepare('INSERT INTO run_keys (id) VALUES (?)'),
    runKeys: db.prepare('SELECT key FROM run_keys').pluck(),
    lastSeq: db.prepare('SELECT max(seq) FROM events WHERE run_key = ?').pluck(),
    lastId: db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck(),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    eventsAfter: db.prepare(`SELECT ${eventColumns} FROM events e
      JOIN run_keys k ON k.key = e.run_key WHERE e.id > ? ORDER BY e.id LIMIT ?`),
    hasBlob: db.prepare('SELECT 1 FROM blobs WHERE hash = ?'),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    upsertRun: db.prepare(`INSERT OR REPLACE INTO runs (${runColumns.join(', ')})
      VALUES (${runColumns.map((column) => `@${column}`).join(', ')})`),
    listRuns: db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?'),
    listRunsByStatus: db.prepare(
      'SELECT * FROM runs WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
    ),
    loadEvents: db.prepare(`SELECT ${eventColumns} FROM events e
      JOIN run_keys k ON k.key = e.run_key WHERE e.run_key = ? AND e.seq >= ? ORDER BY e.seq`),
    search: db.prepare(searchQuery),
    deleteText: db.prepare(
      'DELETE FROM event_text WHERE rowid IN (SELECT id FROM events WHERE run_key = ? AND id <= ?)',
    ),
    deleteEvents: db.prepare('DELETE FROM events WHERE run_key = ?'),
    deleteRunKey: db.prepare('DELETE FROM run_keys WHERE key = ?'),
    deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
    claimRun: db.prepare('INSERT OR REPLACE INTO run_owners (run_id, pid, started_at) VALUES (?, ?, ?)'),
  };
}

export type EventStatements = ReturnType<typeof prepareStatements>;
