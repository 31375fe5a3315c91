// The run store: an append-only event log in SQLite, the `runs` table derived from it, blobs for
// large text and a full-text index. An append is one transaction; listeners hear of events only
// after they are committed (save, then publish).
import { dirname } from 'node:path';
import type { SearchHit } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { BlobRef, EventDraft, EventPayload, RunEvent } from '../../shared/events';
import { newId } from '../../shared/ids';
import { recordableConfig } from '../../shared/loop-config';
import { searchText } from '../../shared/search-text';
import { insertRows } from './multi-insert';
import { SearchIndex } from './search-index';
import { emptySummary, summarizeAll, summarizeInto, type RunSummary } from '../../shared/run-summary';
import type { BlobStore } from './blob-store';
import { externalize, resolveBlobs } from './blob-store';
import { writeTransaction, type SqliteDatabase } from './database';
import { rowToSummary, runColumns, summaryToRow, type RunRow } from './run-rows';
import { RunSources } from './run-sources';
import { ftsQuery, snippetAround } from './search-query';
import { DataFolderError, writingTo } from './storage-errors';

export interface AppendedBatch {
  run: RunSummary;
  events: RunEvent[];
}
export type AppendListener = (batch: AppendedBatch) => void;

export interface LoadOptions {
  /** 'inline' (default) replaces blob references with their text; 'ref' leaves them as references. */
  blobs?: 'inline' | 'ref';
  fromSeq?: number;
}

export interface ListOptions {
  limit?: number;
  offset?: number;
  status?: RunSummary['status'] | undefined;
}

/**
 * A search ranks the newest this many matches (or `limit`, when more) and returns the best of them:
 * ranking costs a lookup per match, so ranking them all would grow with the log.
 */
export const SEARCH_WINDOW = 250;

interface EventRow {
  id: number;
  run_id: string;
  seq: number;
  type: RunEvent['type'];
  payload: string;
  time: number;
}

interface Prepared {
  draft: EventDraft;
  /** The payload with large strings replaced by blob references, and its JSON. */
  payload: unknown;
  json: string;
  blobs: BlobRef[];
}

export interface EventStoreOptions {
  /** The data folder, named when it cannot be written (default: the database's folder). */
  folder?: string;
  /** Opened only to read (a full or read-only disk): appends fail at once, naming the folder. */
  readOnly?: { problem: DataFolderError['problem']; reason: string };
}

/** Decides, under the write lock, whether an append still applies; false appends nothing. */
export type AppendGuard = () => boolean;

export class EventStore {
  private readonly listeners = new Set<AppendListener>();
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly index: SearchIndex;
  /** Events with ids up to here have been published (or were there when the store opened). */
  private publishedUpTo: number;
  /** Id ranges this process appended beyond publishedUpTo: published already, skipped by pollExternal. */
  private ownRanges: [number, number][] = [];
  private dataVersion: number;
  /** The data folder, named when it cannot be written. */
  readonly folder: string;
  /** Where each run was recorded: here, or elsewhere (imported). */
  readonly sources: RunSources;

  constructor(
    private readonly db: SqliteDatabase,
    readonly blobs: BlobStore,
    private readonly options: EventStoreOptions = {},
  ) {
    this.folder = options.folder ?? dirname(db.name);
    this.sources = new RunSources(db, this.folder);
    this.statements = prepareStatements(db);
    this.index = new SearchIndex(db, blobs);
    if (options.readOnly === undefined) this.index.schedule();
    this.publishedUpTo = this.statements.lastId.get() as number;
    this.dataVersion = this.statements.dataVersion.get() as number;
  }

  /** Starts a run: generates its id and records `run.created` as event 0. */
  createRun(payload: EventPayload<'run.created'>, time = Date.now()): RunEvent {
    const runId = newId('run', time);
    // MCP servers' environment values (keys, passwords) stay on this machine; the run keeps their names.
    const recorded = payload.config === undefined ? payload : { ...payload, config: recordableConfig(payload.config) };
    const [event] = this.sources.recording(runId, 'here', () =>
      this.append(runId, [{ type: 'run.created', payload: recorded, time }]),
    );
    return event!;
  }

  /**
   * Appends events to a run in one transaction, then tells listeners. Returns the stored events. A full
   * disk or a read-only folder throws a DataFolderError and leaves the log as it was.
   */
  append(runId: string, drafts: readonly EventDraft[], guard?: AppendGuard): RunEvent[] {
    if (drafts.length === 0) return [];
    const readOnly = this.options.readOnly;
    if (readOnly !== undefined) throw new DataFolderError(readOnly.problem, this.folder, readOnly.reason, runId);
    let done;
    try {
      done = writingTo(this.folder, () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return this.appendOnce(runId, drafts, guard);
          } catch (error) {
            if (!(error instanceof BlobCollected) || attempt === 3) throw error;
          }
        }
      });
    } catch (error) {
      if (error instanceof DataFolderError && this.isRecorded(runId)) throw error.forRun(runId);
      throw error;
    }
    if (done === undefined) return [];
    const { batch, firstId, lastId } = done;
    this.index.schedule();
    if (firstId === this.publishedUpTo + 1) this.publishedUpTo = lastId;
    else this.ownRanges.push([firstId, lastId]);
    this.publish(batch);
    return batch.events;
  }

  private appendOnce(runId: string, drafts: readonly EventDraft[], guard: AppendGuard | undefined) {
    // Blob files are written (and synced) before the transaction that refers to them commits.
    const prepared = drafts.map((draft) => this.prepare(draft));
    return writeTransaction(this.db, () => {
      if (guard !== undefined && !guard()) return undefined;
      // A collection (blob-gc.ts) removes unreferenced files under this lock: one this batch found on
      // disk and reused may have gone since. Then the batch is prepared again, writing it anew.
      for (const item of prepared) {
        for (const blob of item.blobs) if (!this.blobs.has(blob.$blob)) throw new BlobCollected();
      }
      return this.insert(runId, prepared);
    });
  }

  /**
   * Publishes events that other processes committed (a `looplab` command beside the app) since the
   * last look. Cheap when nothing changed: one PRAGMA. Returns how many events it published.
   */
  pollExternal(limit = 10_000): number {
    const version = this.statements.dataVersion.get() as number;
    if (version === this.dataVersion && this.ownRanges.length === 0) return 0;
    this.dataVersion = version;
    const rows = this.statements.eventsAfter.all(this.publishedUpTo, limit) as EventRow[];
    if (rows.length === 0) return 0;
    const foreign = rows.filter((row) => !this.ownRanges.some(([from, to]) => row.id >= from && row.id <= to));
    this.publishedUpTo = rows.at(-1)!.id;
    this.ownRanges = this.ownRanges.filter(([, to]) => to > this.publishedUpTo);
    const byRun = new Map<string, EventRow[]>();
    for (const row of foreign) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row]);
    for (const [runId, runRows] of byRun) {
      const run = this.getRun(runId);
      if (run !== undefined) this.publish({ run, events: runRows.map(rowToEvent) });
    }
    return foreign.length + (rows.length === limit ? this.pollExternal(limit) : 0);
  }

  private publish(batch: AppendedBatch): void {
    for (const listener of this.listeners) listener(batch);
  }

  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getRun(runId: string): RunSummary | undefined {
    const row = this.statements.getRun.get(runId) as RunRow | undefined;
    return row === undefined ? undefined : rowToSummary(row);
  }

  requireRun(runId: string): RunSummary {
    const run = this.getRun(runId);
    if (run === undefined) {
      throw new AppError('not_found', `No run ${runId} in this data folder.`, 'List the runs with `looplab runs`.');
    }
    return run;
  }

  listRuns(options: ListOptions = {}): RunSummary[] {
    const limit = options.limit ?? 200;
    const offset = options.offset ?? 0;
    const rows =
      options.status === undefined
        ? this.statements.listRuns.all(limit, offset)
        : this.statements.listRunsByStatus.all(options.status, limit, offset);
    return (rows as RunRow[]).map(rowToSummary);
  }

  loadEvents(runId: string, options: LoadOptions = {}): RunEvent[] {
    const key = this.runKey(runId);
    if (key === undefined) return [];
    const rows = this.statements.loadEvents.all(key, options.fromSeq ?? 0) as EventRow[];
    const inline = (options.blobs ?? 'inline') === 'inline';
    return rows.map((row) => (inline ? this.resolved(rowToEvent(row)) : rowToEvent(row)));
  }

  /** The event with its blob references replaced by their text (only blobs the table holds). */
  private resolved<E extends RunEvent>(event: E): E {
    const context = {
      where: `Event #${event.seq} (${event.type}) of ${event.runId}`,
      known: (hash: string) => this.statements.hasBlob.get(hash) !== undefined,
    };
    return { ...event, payload: resolveBlobs(event.payload, this.blobs, context) };
  }

  /** Whether the run has events here (after a failed append: is there a run to resume?). */
  private isRecorded(runId: string): boolean {
    try {
      return this.runKey(runId) !== undefined;
    } catch {
      return false;
    }
  }

  /** Whether this store was opened only to read (its folder cannot be written). */
  get readOnly(): boolean {
    return this.options.readOnly !== undefined;
  }

  private runKey(runId: string): number | undefined {
    return this.statements.runKey.get(runId) as number | undefined;
  }

  /** For a snippet: the event with its text, or as stored when a reference in it is not the store's. */
  private resolvedForSearch(event: RunEvent): EventDraft {
    try {
      return this.resolved(event);
    } catch {
      return event;
    }
  }

  readBlob(hash: string): string {
    if (this.statements.hasBlob.get(hash) === undefined) {
      throw new AppError('not_found', `No blob ${hash} in this data folder.`);
    }
    return this.blobs.read(hash);
  }

  /** Full-text search over messages and tool output: the best of the newest SEARCH_WINDOW matches first. */
  search(query: string, limit = 50): SearchHit[] {
    const whole = ftsQuery(query, { prefix: false });
    if (whole === undefined) return [];
    if (!this.readOnly) this.index.catchUp();
    const window = Math.max(SEARCH_WINDOW, limit);
    let rows = this.statements.search.all(whole, window, limit) as (EventRow & { goal: string })[];
    if (rows.length < limit) rows = this.statements.search.all(ftsQuery(query), window, limit) as typeof rows;
    return rows.map((row) => {
      const resolved = this.resolvedForSearch(rowToEvent(row));
      return {
        runId: row.run_id,
        seq: row.seq,
        type: row.type,
        goal: row.goal,
        snippet: snippetAround(searchText(resolved), query),
      };
    });
  }

  /** Deletes a run with its events and search entries. Blobs it alone used are left for a later sweep. */
  deleteRun(runId: string): boolean {
    return writeTransaction(this.db, () => {
      const key = this.runKey(runId);
      if (key === undefined) return false;
      this.statements.deleteText.run(key, this.index.indexedUpTo());
      this.statements.deleteEvents.run(key);
      this.statements.deleteRunKey.run(key);
      this.sources.forget(runId);
      return this.statements.deleteRun.run(runId).changes > 0;
    });
  }

  /** Throws away the `runs` table and folds it again from `events`. */
  rebuildRuns(): number {
    return writeTransaction(this.db, () => {
      this.db.exec('DELETE FROM runs');
      const keys = this.statements.runKeys.all() as number[];
      for (const key of keys) {
        const events = (this.statements.loadEvents.all(key, 0) as EventRow[]).map(rowToEvent);
        this.statements.upsertRun.run(summaryToRow(summarizeAll(events)!));
      }
      return keys.length;
    });
  }

  private prepare(draft: EventDraft): Prepared {
    const blobs: BlobRef[] = [];
    const payload = externalize(draft.payload, this.blobs, blobs);
    return { draft, payload, json: JSON.stringify(payload), blobs };
  }

  private insert(
    runId: string,
    prepared: readonly Prepared[],
  ): { batch: AppendedBatch; firstId: number; lastId: number } {
    const { lastSeq, lastId, getRun, upsertRun, insertRunKey } = this.statements;
    let key = this.runKey(runId);
    const created = key === undefined;
    if (key === undefined) {
      if (prepared[0]!.draft.type !== 'run.created') {
        throw new AppError('not_found', `No run ${runId} to append to: a run starts with run.created.`);
      }
      key = Number(insertRunKey.run(runId).lastInsertRowid);
    }
    let seq = (lastSeq.get(key) as number | null) ?? -1;
    const row = getRun.get(runId) as RunRow | undefined;
    const summary = row === undefined ? emptySummary(runId, prepared[0]!.draft.time ?? Date.now()) : rowToSummary(row);
    // Ids are given here, under the write lock, so that rows can be inserted many per statement.
    let id = lastId.get() as number;
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
    insertRows(this.db, 'events', ['id', 'run_key', 'seq', 'type', 'payload', 'time'], eventRows);
    insertRows(this.db, 'blobs', ['hash', 'size', 'created_at'], blobRows, 'OR IGNORE');
    upsertRun.run(summaryToRow(summary));
    // A new live run is leased to this process in the same commit, so that another process opening the
    // folder before the run's loop claims it does not take it for a run left behind by a crash.
    if (created && (summary.status === 'running' || summary.status === 'waiting')) {
      this.statements.claimRun.run(runId, process.pid, now);
    }
    return { batch: { run: summary, events }, firstId, lastId: id };
  }
}

/** A blob file an append was about to refer to was collected meanwhile. */
class BlobCollected extends Error {}

function rowToEvent(row: EventRow): RunEvent {
  return {
    runId: row.run_id,
    seq: row.seq,
    time: row.time,
    type: row.type,
    payload: JSON.parse(row.payload),
  } as RunEvent;
}

function prepareStatements(db: SqliteDatabase) {
  return {
    runKey: db.prepare('SELECT key FROM run_keys WHERE id = ?').pluck(),
    insertRunKey: db.prepare('INSERT INTO run_keys (id) VALUES (?)'),
    runKeys: db.prepare('SELECT key FROM run_keys').pluck(),
    lastSeq: db.prepare('SELECT max(seq) FROM events WHERE run_key = ?').pluck(),
    lastId: db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck(),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    eventsAfter: db.prepare(`SELECT e.id, k.id AS run_id, e.seq, e.type, e.payload, e.time FROM events e
      JOIN run_keys k ON k.key = e.run_key WHERE e.id > ? ORDER BY e.id LIMIT ?`),
    hasBlob: db.prepare('SELECT 1 FROM blobs WHERE hash = ?'),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    upsertRun: db.prepare(`INSERT OR REPLACE INTO runs (${runColumns.join(', ')})
      VALUES (${runColumns.map((column) => `@${column}`).join(', ')})`),
    listRuns: db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?'),
    listRunsByStatus: db.prepare(
      'SELECT * FROM runs WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
    ),
    loadEvents: db.prepare(`SELECT e.id, k.id AS run_id, e.seq, e.type, e.payload, e.time FROM events e
      JOIN run_keys k ON k.key = e.run_key WHERE e.run_key = ? AND e.seq >= ? ORDER BY e.seq`),
    // Ranking every match of a common word costs time in proportion to the whole log; ranking only the
    // newest SEARCH_WINDOW matches keeps a search on a million events as quick as on a thousand.
    search: db.prepare(`SELECT e.id, k.id AS run_id, e.seq, e.type, e.payload, e.time, r.goal
      FROM (SELECT rowid, rank FROM event_text WHERE event_text MATCH ? ORDER BY rowid DESC LIMIT ?) t
      JOIN events e ON e.id = t.rowid JOIN run_keys k ON k.key = e.run_key
      JOIN runs r ON r.id = k.id ORDER BY t.rank LIMIT ?`),
    deleteText: db.prepare(
      'DELETE FROM event_text WHERE rowid IN (SELECT id FROM events WHERE run_key = ? AND id <= ?)',
    ),
    deleteEvents: db.prepare('DELETE FROM events WHERE run_key = ?'),
    deleteRunKey: db.prepare('DELETE FROM run_keys WHERE key = ?'),
    deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
    claimRun: db.prepare('INSERT OR REPLACE INTO run_owners (run_id, pid, started_at) VALUES (?, ?, ?)'),
  };
}
