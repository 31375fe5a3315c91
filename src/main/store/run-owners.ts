// Leases on live runs: the process that drives a run claims it, and releases it when the loop ends.
// When a store opens, runs still marked running or waiting whose owner is gone are marked interrupted,
// so no run stays "running" forever after a crash; they can then be resumed.
import { dirname } from 'node:path';
import type { SqliteDatabase } from './database';
import type { EventStore } from './event-store';
import { DataFolderError, writingTo } from './storage-errors';

function alive(pid: number): boolean {
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
    writingTo(dirname(this.db.name), () =>
      this.db
        .prepare('INSERT OR REPLACE INTO run_owners (run_id, pid, started_at) VALUES (?, ?, ?)')
        .run(runId, pid, Date.now()),
    );
  }

  release(runId: string): void {
    writingTo(dirname(this.db.name), () => this.db.prepare('DELETE FROM run_owners WHERE run_id = ?').run(runId));
  }

  /** The pid driving the run, if that process is alive. */
  liveOwner(runId: string): number | undefined {
    const pid = this.db.prepare('SELECT pid FROM run_owners WHERE run_id = ?').pluck().get(runId) as number | undefined;
    return pid !== undefined && alive(pid) ? pid : undefined;
  }

  /**
   * Marks every orphaned live run interrupted. Returns their ids. On a full disk the rest wait for the
   * next open, so that the runs saved so far can still be read.
   */
  recoverInterrupted(): string[] {
    const live = this.db
      .prepare("SELECT id FROM runs WHERE status IN ('running', 'waiting')")
      .pluck()
      .all() as string[];
    const orphans = live.filter((runId) => this.liveOwner(runId) === undefined);
    const recovered: string[] = [];
    for (const runId of orphans) {
      try {
        this.markInterrupted(runId);
      } catch (error) {
        if (error instanceof DataFolderError && error.problem === 'full') break;
        throw error;
      }
      recovered.push(runId);
    }
    return recovered;
  }

  private markInterrupted(runId: string): void {
    this.store.append(runId, [
      {
        type: 'run.status',
        payload: {
          status: 'interrupted',
          reason: 'The process driving this run stopped before it finished (a crash or a kill). Resume it to continue.',
        },
      },
    ]);
    this.release(runId);
  }
}
