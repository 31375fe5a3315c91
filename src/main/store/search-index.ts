// The full-text index trails the event log instead of slowing every append: after each commit it
// indexes new events in its own transactions, up to a watermark kept in the database, a small slice per
// turn of the event loop so that a backlog (a big import, a store opened after a crash) never holds up
// the main thread for long. A search first catches the index up, so results are always complete, and a
// crash only leaves work for the next open.
import type { EventDraft, RunEvent } from '../../shared/events';
import { searchText } from '../../shared/search-text';
import { resolveBlobs, type BlobStore } from './blob-store';
import { writeTransaction, type SqliteDatabase } from './database';
import { insertRows } from './multi-insert';

interface PendingRow {
  id: number;
  type: RunEvent['type'];
  payload: string;
}

/** Events indexed per transaction when catching up at once (a search from the command line). */
const BATCH = 5_000;
/** Events indexed per turn of the event loop when indexing in the background: a few milliseconds' work. */
const SLICE = 250;

export class SearchIndex {
  private scheduled = false;
  private readonly pending;
  private readonly watermark;
  private readonly advance;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly blobs: BlobStore,
  ) {
    this.pending = db.prepare('SELECT id, type, payload FROM events WHERE id > ? ORDER BY id LIMIT ?');
    this.watermark = db.prepare("SELECT value FROM meta WHERE key = 'indexed_upto'").pluck();
    this.advance = db.prepare("UPDATE meta SET value = ? WHERE key = 'indexed_upto'");
  }

  /** Indexes soon, off the caller's path, a slice per turn; several appends in one tick cost one pass. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.db.open) return;
      try {
        if (this.index(SLICE) === SLICE) this.schedule();
      } catch (error) {
        // The log is intact; only search lags. The next append or search tries again.
        console.error(`Looplab: indexing events for search failed: ${String(error)}`);
      }
    });
  }

  /** Indexes every event not yet indexed, at once. Returns how many it indexed. */
  catchUp(): number {
    let total = 0;
    for (;;) {
      const count = this.index(BATCH);
      total += count;
      if (count < BATCH) return total;
    }
  }

  /** Indexes every event committed before this call, a slice per turn of the event loop. */
  async caughtUp(): Promise<void> {
    while (this.db.open && this.index(SLICE) === SLICE) await new Promise((resolve) => setImmediate(resolve));
  }

  indexedUpTo(): number {
    return this.watermark.get() as number;
  }

  /** The payload with blobs inlined; a missing blob file is indexed by its preview rather than lost. */
  private fullPayload(json: string): unknown {
    const payload: unknown = JSON.parse(json);
    try {
      return resolveBlobs(payload, this.blobs);
    } catch {
      return payload;
    }
  }

  /**
   * Indexes up to `count` events in one transaction. Returns how many it indexed. The watermark commits
   * with the entries, so a commit lost to a power cut is only redone: it need not wait for the disk
   * (the next append's commit syncs the log, these entries with it).
   */
  private index(count: number): number {
    const work = () => writeTransaction(this.db, () => this.indexBatch(count));
    // The safety level cannot change inside a transaction; there, the outer commit decides.
    if (this.db.inTransaction) return work();
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      this.db.pragma(`synchronous = ${level}`);
    }
  }

  private indexBatch(count: number): number {
    const rows = this.pending.all(this.indexedUpTo(), count) as PendingRow[];
    if (rows.length === 0) return 0;
    const values: unknown[] = [];
    for (const row of rows) {
      const draft = { type: row.type, payload: this.fullPayload(row.payload) } as EventDraft;
      const text = searchText(draft);
      if (text.length > 0) values.push(row.id, text);
    }
    insertRows(this.db, 'event_text', ['rowid', 'text'], values);
    this.advance.run(rows.at(-1)!.id);
    return rows.length;
  }
}
