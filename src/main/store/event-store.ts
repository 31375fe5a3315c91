// The run store: an append-only event log in SQLite, the `runs` table derived from it, blobs for
// large text and a full-text index. An append is one transaction; listeners hear of events only
// after they are committed and on disk (save, then publish): at once where each commit syncs, or when
// the sync that follows it off the main thread ends (wal-sync.ts). Search, which grows with the log, has an asynchronous
// form that runs on a worker thread of its own (store-thread.ts).
import { dirname } from 'node:path';
import type { SearchHit } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { EventDraft, EventPayload, RunEvent } from '../../shared/events';
import { newId } from '../../shared/ids';
import { recordableConfig } from '../../shared/loop-config';
import { summarizeAll, type RunSummary } from '../../shared/run-summary';
import type { BlobStore } from './blob-store';
import { resolveBlobs } from './blob-store';
import { writeTransaction, type SqliteDatabase } from './database';
import { appendBatch, type AppendedBatch, type AppendGuard } from './event-append';
import { prepareStatements, rowToEvent, type EventRow, type EventStatements } from './event-rows';
import { searchHits, searchPlan, type SearchRow } from './event-search';
import { rankedWindow } from './search-rank';
import { ExternalEvents } from './external-events';
import type { StoreThread } from './store-thread';
import { rowToSummary, summaryToRow, type RunRow } from './run-rows';
import { RunSources } from './run-sources';
import { BenchRecords } from './bench-records';
import { SearchIndex } from './search-index';
import { DataFolderError, writingTo } from './storage-errors';
import type { WalSync } from './wal-sync';

export type { AppendedBatch, AppendGuard } from './event-append';
export { SEARCH_WINDOW } from './event-search';
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

export interface EventStoreOptions {
  /** The data folder, named when it cannot be written (default: the database's folder). */
  folder?: string;
  /** Opened only to read (a full or read-only disk): appends fail at once, naming the folder. */
  readOnly?: { problem: DataFolderError['problem']; reason: string };
  /** Where the asynchronous reads and checkpoints run; without one, on this connection. */
  thread?: StoreThread;
  /** Syncs the WAL off the main thread after commits that do not (`synchronous = NORMAL`). */
  walSync?: WalSync;
}

export class EventStore {
  private readonly listeners = new Set<AppendListener>();
  private readonly statements: EventStatements;
  private readonly index: SearchIndex;
  private readonly external: ExternalEvents;
  /** The data folder, named when it cannot be written. */
  readonly folder: string;
  /** Where each run was recorded: here, or elsewhere (imported). */
  readonly sources: RunSources;
  /** The benches run here, and the run of each of their tasks. */
  readonly benches: BenchRecords;

  constructor(
    private readonly db: SqliteDatabase,
    readonly blobs: BlobStore,
    private readonly options: EventStoreOptions = {},
  ) {
    this.folder = options.folder ?? dirname(db.name);
    this.sources = new RunSources(db, this.folder);
    this.benches = new BenchRecords(db, this.folder);
    this.statements = prepareStatements(db);
    this.index = new SearchIndex(db, blobs);
    if (options.readOnly === undefined) this.index.schedule();
    this.external = new ExternalEvents(this.statements);
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
    const log = { db: this.db, blobs: this.blobs, statements: this.statements };
    let done;
    try {
      done = writingTo(this.folder, () => appendBatch(log, runId, drafts, guard));
    } catch (error) {
      if (error instanceof DataFolderError && this.isRecorded(runId)) throw error.forRun(runId);
      throw error;
    }
    if (done === undefined) return [];
    this.index.schedule();
    this.options.thread?.appended(done.batch.events.length);
    this.external.published(done.firstId, done.lastId);
    const batch = done.batch;
    if (this.options.walSync === undefined) this.publish(batch);
    else this.options.walSync.afterSync(() => this.publish(batch));
    return batch.events;
  }

  /**
   * Runs `then` once every batch appended before the call has been published: at once where appends
   * publish as they commit. What a host tells listeners besides batches (streamed words, a failure)
   * goes through this, so that it never overtakes the events recorded before it.
   */
  afterPublished(then: () => void): void {
    if (this.options.walSync === undefined) then();
    else this.options.walSync.afterWaiting(then);
  }

  whenPublished(): Promise<void> {
    return new Promise((resolve) => this.afterPublished(resolve));
  }

  /**
   * Publishes events that other processes committed (a `looplab` command beside the app) since the
   * last look. Cheap when nothing changed: one PRAGMA. Returns how many events it published.
   */
  pollExternal(limit = 10_000): number {
    const found = this.external.poll(limit);
    if (found === undefined) return 0;
    for (const [runId, events] of found.byRun) {
      const run = this.getRun(runId);
      if (run !== undefined) this.publish({ run, events });
    }
    return found.count + (found.more ? this.pollExternal(limit) : 0);
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
    const { limit = 200, offset = 0, status } = options;
    const rows =
      status === undefined
        ? this.statements.listRuns.all(limit, offset)
        : this.statements.listRunsByStatus.all(status, limit, offset);
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
  private resolvedForSearch = (event: RunEvent): EventDraft => {
    try {
      return this.resolved(event);
    } catch {
      return event;
    }
  };

  readBlob(hash: string): string {
    if (this.statements.hasBlob.get(hash) === undefined) {
      throw new AppError('not_found', `No blob ${hash} in this data folder.`);
    }
    return this.blobs.read(hash);
  }

  /** Full-text search over messages and tool output: the best of the newest SEARCH_WINDOW matches first. */
  search(query: string, limit = 50): SearchHit[] {
    const plan = searchPlan(query, limit);
    if (plan === undefined) return [];
    if (!this.readOnly) this.index.catchUp();
    let rows = this.statements.search.all(...plan.whole) as SearchRow[];
    if (rows.length < limit) rows = this.statements.search.all(...plan.prefix) as SearchRow[];
    return searchHits(rankedWindow(rows, plan.words, limit), query, this.resolvedForSearch);
  }

  /**
   * `search` on the worker thread, leaving this one free meanwhile. The index is first brought up to
   * every event committed before the call, a slice per turn of the event loop.
   */
  async searchInBackground(query: string, limit = 50): Promise<SearchHit[]> {
    const thread = this.options.thread;
    if (thread === undefined) return this.search(query, limit);
    const plan = searchPlan(query, limit);
    if (plan === undefined) return [];
    await this.index.caughtUp();
    let rows: SearchRow[];
    try {
      rows = await thread.search<SearchRow>(plan);
    } catch (error) {
      // A worker that cannot start (or died) must not take search with it: answer on this thread.
      if (!this.db.open) throw error;
      return this.search(query, limit);
    }
    return searchHits(rows, query, this.resolvedForSearch);
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
}
