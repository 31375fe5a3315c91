// The write path of the event store: a batch of drafts becomes stored events in one transaction under
// the write lock, with its ids, seqs and the run's new summary. Large strings go to blob files first
// (synced before the transaction that refers to them commits).
import { AppError } from '../../shared/errors';
import type { BlobRef, EventDraft, RunEvent } from '../../shared/events';
import { emptySummary, summarizeInto, type RunSummary } from '../../shared/run-summary';
import { externalize, type BlobStore } from './blob-store';
import { writeTransaction, type SqliteDatabase } from './database';
import type { EventStatements } from './event-rows';
import { insertRows } from './multi-insert';
import { rowToSummary, summaryToRow, type RunRow } from './run-rows';

export interface AppendedBatch {
  run: RunSummary;
  events: RunEvent[];
}

/** Decides, under the write lock, whether an append still applies; false appends nothing. */
export type AppendGuard = () => boolean;

export interface Appended {
  batch: AppendedBatch;
  firstId: number;
  lastId: number;
}

interface Prepared {
  draft: EventDraft;
  /** The payload with large strings replaced by blob references, and its JSON. */
  payload: unknown;
  json: string;
  blobs: BlobRef[];
}

interface Log {
  db: SqliteDatabase;
  blobs: BlobStore;
  statements: EventStatements;
}

/** A blob file an append was about to refer to was collected meanwhile. */
class BlobCollected extends Error {}

/** Appends the drafts in one transaction; undefined when the guard said no. Retried when a blob was collected. */
export function appendBatch(
  log: Log,
  runId: string,
  drafts: readonly EventDraft[],
  guard: AppendGuard | undefined,
): Appended | undefined {
  for (let attempt = 1; ; attempt++) {
    try {
      return appendOnce(log, runId, drafts, guard);
    } catch (error) {
      if (!(error instanceof BlobCollected) || attempt === 3) throw error;
    }
  }
}

function appendOnce(log: Log, runId: string, drafts: readonly EventDraft[], guard: AppendGuard | undefined) {
  // Blob files are written (and synced) before the transaction that refers to them commits.
  const prepared = drafts.map((draft) => prepare(draft, log.blobs));
  return writeTransaction(log.db, () => {
    if (guard !== undefined && !guard()) return undefined;
    // A collection (blob-gc.ts) removes unreferenced files under this lock: one this batch found on
    // disk and reused may have gone since. Then the batch is prepared again, writing it anew.
    for (const item of prepared) {
      for (const blob of item.blobs) if (!log.blobs.has(blob.$blob)) throw new BlobCollected();
    }
    return insert(log, runId, prepared);
  });
}

function prepare(draft: EventDraft, store: BlobStore): Prepared {
  const blobs: BlobRef[] = [];
  const payload = externalize(draft.payload, store, blobs);
  return { draft, payload, json: JSON.stringify(payload), blobs };
}

/** The run's key, made for a run that starts with this batch. */
function keyOf(statements: EventStatements, runId: string, first: EventDraft): { key: number; created: boolean } {
  const key = statements.runKey.get(runId) as number | undefined;
  if (key !== undefined) return { key, created: false };
  if (first.type !== 'run.created') {
    throw new AppError('not_found', `No run ${runId} to append to: a run starts with run.created.`);
  }
  return { key: Number(statements.insertRunKey.run(runId).lastInsertRowid), created: true };
}

function insert({ db, statements }: Log, runId: string, prepared: readonly Prepared[]): Appended {
  const { key, created } = keyOf(statements, runId, prepared[0]!.draft);
  let seq = (statements.lastSeq.get(key) as number | null) ?? -1;
  const row = statements.getRun.get(runId) as RunRow | undefined;
  const summary = row === undefined ? emptySummary(runId, prepared[0]!.draft.time ?? Date.now()) : rowToSummary(row);
  // Ids are given here, under the write lock, so that rows can be inserted many per statement.
  let id = statements.lastId.get() as number;
  const firstId = id + 1;
  const now = Date.now();
  const events: RunEvent[] = [];
  const eventRows: unknown[] = [];
  const blobRows: unknown[] = [];
  for (const item of prepared) {
    seq += 1;
    id += 1;
    const time = item.draft.time ?? now;
    eventRows.push(id, key, seq, item.draft.type, item.json, time);
    for (const blob of item.blobs) blobRows.push(blob.$blob, blob.size, time);
    const event = { runId, seq, time, type: item.draft.type, payload: item.payload } as RunEvent;
    summarizeInto(summary, event);
    events.push(event);
  }
  insertRows(db, 'events', ['id', 'run_key', 'seq', 'type', 'payload', 'time'], eventRows);
  insertRows(db, 'blobs', ['hash', 'size', 'created_at'], blobRows, 'OR IGNORE');
  statements.upsertRun.run(summaryToRow(summary));
  // A new live run is leased to this process in the same commit, so that another process opening the
  // folder before the run's loop claims it does not take it for a run left behind by a crash.
  if (created && (summary.status === 'running' || summary.status === 'waiting')) {
    statements.claimRun.run(runId, process.pid, now);
  }
  return { batch: { run: summary, events }, firstId, lastId: id };
}
