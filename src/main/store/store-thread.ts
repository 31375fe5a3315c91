// A worker thread beside the main one, with its own connection to the run database, for the work that
// grows with the log: the reads that scan it (a search) and checkpoints (copying the
// WAL back into the database file, which syncs it). On the main thread these would hold up everything
// else the main process does (answering the UI, recording live runs) for as long as they take. WAL
// lets this connection read while the main one writes, and each read sees every commit made before it
// began; the connection refuses writes (`query_only`), and a passive checkpoint never blocks a writer.
// The worker's code is plain JavaScript passed as a string, so it runs the same from the sources, the
// CLI's bundle and Electron's: there is no second file for a bundler to find.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors';
import { BUSY_TIMEOUT_MS, type SqliteDatabase } from './database';
import { searchQuery } from './event-rows';
import type { SearchPlan } from './event-search';
import { rankedWindow } from './search-rank';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, ...workerData.options });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('query_only = ON');
const statement = db.prepare(workerData.searchQuery);
const rankedWindow = ${rankedWindow.toString()};
// A search matches the last word whole, and widens it to a prefix only when that finds fewer than its
// limit; the best of the rows found come back.
const search = ([whole, prefix, limit, words]) => {
  const rows = statement.all(...whole);
  return rankedWindow(rows.length < limit ? statement.all(...prefix) : rows, words, limit);
};
parentPort.on('message', ({ id, kind, params }) => {
  try {
    const rows = kind === 'search' ? search(params) : db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/** Events appended between checkpoints: about SQLite's own 1,000 pages, with their search entries. */
const CHECKPOINT_EVERY = 1_000;

export interface Checkpointed {
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

interface Reply {
  id: number;
  rows?: unknown[];
  error?: string;
}

interface Waiting {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

export class StoreThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private lastId = 0;
  private closed = false;
  private sinceCheckpoint = 0;
  private checkpointing = false;

  /**
   * Takes over the checkpoints of `db` (the main connection). `nativeBinding`: a better-sqlite3 binary
   * built for another ABI (Electron's). The worker starts on the first read or checkpoint.
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly nativeBinding?: string,
  ) {
    db.pragma('wal_autocheckpoint = 0');
  }

  /**
   * A search's best rows: of its whole-word query, or of its prefix query when that finds fewer than
   * its limit.
   */
  search<Row>(plan: SearchPlan): Promise<Row[]> {
    return this.ask('search', [plan.whole, plan.prefix, plan.limit, plan.words]) as Promise<Row[]>;
  }

  /**
   * Counts events appended; every CHECKPOINT_EVERY, checkpoints on the worker. Where the worker cannot,
   * the main connection does, so the WAL stays bounded whatever happens to the thread.
   */
  appended(events: number): void {
    this.sinceCheckpoint += events;
    if (this.sinceCheckpoint < CHECKPOINT_EVERY || this.checkpointing || this.closed) return;
    this.sinceCheckpoint = 0;
    this.checkpointing = true;
    this.checkpoint()
      .catch(() => {
        if (this.db.open) this.db.pragma('wal_checkpoint(PASSIVE)');
      })
      .finally(() => (this.checkpointing = false));
  }

  /** Copies the WAL into the database file as far as no reader still needs it (a passive checkpoint). */
  checkpoint(): Promise<Checkpointed[]> {
    return this.ask('checkpoint', []) as Promise<Checkpointed[]>;
  }

  close(): void {
    this.closed = true;
    const worker = this.worker;
    this.fail(new AppError('unavailable', 'The run store is closed.'));
    void worker?.terminate();
  }

  private ask(kind: 'search' | 'checkpoint', params: readonly unknown[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new AppError('unavailable', 'The run store is closed.'));
    const worker = this.worker ?? this.start();
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      // The thread keeps the process alive only while it has a question to answer.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, kind, params });
    });
  }

  private start(): Worker {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: this.db.name,
        options: this.nativeBinding === undefined ? {} : { nativeBinding: this.nativeBinding },
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        searchQuery,
      },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(reply));
    // A thread that failed or stopped takes its questions with it; the next one starts another.
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) =>
      this.lost(worker, new Error(`The run store's worker thread stopped (exit code ${code}).`)),
    );
    this.worker = worker;
    return worker;
  }

  private answer({ id, rows, error }: Reply): void {
    const waiting = this.waiting.get(id);
    if (waiting === undefined) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (error === undefined) waiting.resolve(rows ?? []);
    else waiting.reject(new Error(`Reading the run store failed: ${error}`));
  }

  private lost(worker: Worker, error: Error): void {
    if (this.worker === worker) this.fail(error);
  }

  private fail(error: Error): void {
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { reject } of waiting) reject(error);
  }
}
