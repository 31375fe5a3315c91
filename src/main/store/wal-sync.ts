// Saving to disk off the main thread. In WAL mode with `synchronous = NORMAL` a commit writes its frames
// to the WAL file without waiting for the disk (microseconds instead of a sync of milliseconds); this
// then syncs the WAL file on a thread of libuv's pool and, once the sync has ended, runs what waited for
// it: publishing the batch. Every commit made before a sync starts is on disk when it ends; commits made
// while one runs share the next. The WAL file is the same one for as long as the database is open here
// (SQLite removes it only when its last connection closes).
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;
  /** What waits for the sync now running, and what waits for the next one. */
  private running: (() => void)[] = [];
  private next: (() => void)[] = [];
  private syncing = false;
  private closed = false;

  /** `folder`: the WAL's folder, synced once so that the file itself survives a power cut. */
  constructor(
    private readonly file: string,
    private readonly folder: string,
  ) {}

  /** Runs `then` once every commit made before this call is on disk. */
  afterSync(then: () => void): void {
    if (this.closed) return then();
    this.next.push(then);
    if (!this.syncing) this.start();
  }

  /** Runs `then` after everything already waiting for a sync: at once when nothing waits. */
  afterWaiting(then: () => void): void {
    if (this.next.length > 0) this.next.push(then);
    else if (this.syncing && !this.closed) this.running.push(then);
    else then();
  }

  /** Syncs now, on this thread, runs everything still waiting, and stops syncing off it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = [...this.running, ...this.next];
    this.running = [];
    this.next = [];
    if (waiting.length > 0) this.guarded(() => fdatasyncSync(this.open()));
    // A sync still running on the pool closes the file when it ends.
    if (!this.syncing) this.release();
    for (const then of waiting) then();
  }

  private start(): void {
    this.syncing = true;
    this.running = this.next;
    this.next = [];
    let fd: number;
    try {
      fd = this.open();
    } catch (error) {
      return this.ended(error);
    }
    fdatasync(fd, (error) => this.ended(error));
  }

  private ended(error: unknown): void {
    this.syncing = false;
    // The commits are in the WAL either way; the next sync, or the next checkpoint, tries the disk again.
    if (error !== null && error !== undefined) {
      console.error(`Looplab: syncing the run log to disk failed: ${String(error)}`);
    }
    const done = this.running;
    this.running = [];
    if (this.closed) this.release();
    else if (this.next.length > 0) this.start();
    for (const then of done) then();
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = openSync(this.file, 'r');
    this.guarded(() => {
      const folder = openSync(this.folder, 'r');
      try {
        fsyncSync(folder);
      } finally {
        closeSync(folder);
      }
    });
    this.fd = fd;
    return fd;
  }

  private guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      console.error(`Looplab: syncing the run log to disk failed: ${String(error)}`);
    }
  }

  private release(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
