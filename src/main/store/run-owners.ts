// Leases on live runs: the process that drives a run claims it, and releases it when the loop ends.
// When a store opens, runs still marked running or waiting whose owner is gone are marked interrupted,
// so no run stays "running" forever after a crash; they can then be resumed. Several processes may
// open one folder at once, so a run is marked only after checking again under the write lock.
import { writeTransaction, type SqliteDatabase } from './database';
import type { EventStore } from './event-store';
import { DataFolderError, writingTo } from './storage-errors';

/** Whether a process with this id is running (one of another user's counts too). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunOwners {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly store: EventStore,
  ) {}

  claim(runId: string, pid = process.pid): void {
    writingTo(this.folder, () =>
      writeTransaction(this.db, () =>
        this.db
          .prepare('INSERT OR REPLACE INTO run_owners (run_id, pid, started_at) VALUES (?, ?, ?)')
          .run(runId, pid, Date.now()),
      ),
    );
  }

  /**
   * Ends the lease. On a folder that cannot be written the row stays, which is harmless: a lease whose
   * process has exited is no lease (liveOwner checks the pid), so the run is then seen as interrupted.
   * Throwing here would stop a host from cleaning up after the failure that ended the run.
   */
  release(runId: string): void {
    try {
      writingTo(this.folder, () =>
        writeTransaction(this.db, () => this.db.prepare('DELETE FROM run_owners WHERE run_id = ?').run(runId)),
      );
    } catch (error) {
      if (!(error instanceof DataFolderError)) throw error;
    }
  }

  private get folder(): string {
    return this.store.folder;
  }

  /** The pid driving the run, if that process is alive. */
  liveOwner(runId: string): number | undefined {
    const pid = this.db.prepare('SELECT pid FROM run_owners WHERE run_id = ?').pluck().get(runId) as number | undefined;
    return pid !== undefined && alive(pid) ? pid : undefined;
  }

  /** Whether any run or job is driven by a live process (this one included). */
  anyLive(): boolean {
    const pids = this.db.prepare('SELECT DISTINCT pid FROM run_owners').pluck().all() as number[];
    return pids.some(alive);
  }

  /**
   * Marks every orphaned live run interrupted. Returns their ids. On a full disk the rest wait for the
   * next open, so that the runs saved so far can still be read.
   */
  recoverInterrupted(): string[] {
    if (this.store.readOnly) return [];
    const live = this.db
      .prepare("SELECT id FROM runs WHERE status IN ('running', 'waiting')")
      .pluck()
      .all() as string[];
    const orphans = live.filter((runId) => this.liveOwner(runId) === undefined);
    const recovered: string[] = [];
    for (const runId of orphans) {
      try {
        if (this.markInterrupted(runId)) recovered.push(runId);
      } catch (error) {
        if (error instanceof DataFolderError && error.problem === 'full') break;
        throw error;
      }
    }
    return recovered;
  }

  private markInterrupted(runId: string): boolean {
    // Another process opening the folder now may have marked it, or resumed it, since the list was read.
    const stillOrphaned = () =>
      this.db.prepare("SELECT 1 FROM runs WHERE id = ? AND status IN ('running', 'waiting')").get(runId) !==
        undefined && this.liveOwner(runId) === undefined;
    const marked = this.store.append(
      runId,
      [
        {
          type: 'run.status',
          payload: {
            status: 'interrupted',
            reason:
              'The process driving this run stopped before it finished (a crash or a kill). Resume it to continue.',
          },
        },
      ],
      stillOrphaned,
    );
    if (marked.length === 0) return false;
    this.release(runId);
    return true;
  }
}
