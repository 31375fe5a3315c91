// Keeping a data folder bounded: deleting runs (their events, search entries, summary, lease and
// workspace folder, which holds their jobs' files) and collecting the blobs no remaining run refers
// to. A delete commits all its rows in one transaction first and removes files after, so a kill in
// between leaves only files that the next collection removes.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { HomePaths } from '../home';
import { BlobCollector, type GcOptions, type GcResult } from './blob-gc';
import { writeTransaction, type SqliteDatabase } from './database';
import type { EventStore } from './event-store';
import type { RunOwners } from './run-owners';
import { runSizes } from './run-sizes';
import { writingTo } from './storage-errors';

export interface DeleteResult {
  deleted: string[];
  gc: GcResult;
}

export class DataLifecycle {
  private readonly collector: BlobCollector;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly store: EventStore,
    private readonly owners: RunOwners,
    private readonly paths: HomePaths,
  ) {
    this.collector = new BlobCollector(db, store.blobs, owners, paths);
  }

  /** Refuses unknown and live runs before deleting any; then deletes each and collects garbage. */
  deleteRuns(runIds: readonly string[], options: GcOptions = {}): DeleteResult {
    for (const runId of runIds) this.checkDeletable(runId);
    const deleted: string[] = [];
    for (const runId of runIds) {
      writingTo(this.store.folder, () => writeTransaction(this.db, () => this.deleteRows(runId)));
      options.onRemove?.(`run ${runId}`);
      rmSync(join(this.paths.workspaces, runId), { recursive: true, force: true });
      options.onRemove?.(`folder ${runId}`);
      deleted.push(runId);
    }
    return { deleted, gc: this.collect(options) };
  }

  /** Bytes each run takes (events, the blobs it refers to, its workspace folder). */
  sizes(): Map<string, number> {
    return runSizes(this.db, this.store.blobs, this.paths);
  }

  collect(options: GcOptions = {}): GcResult {
    return writingTo(this.store.folder, () => this.collector.collect(options));
  }

  private checkDeletable(runId: string): void {
    this.store.requireRun(runId);
    const pid = this.owners.liveOwner(runId);
    if (pid !== undefined) {
      throw new AppError(
        'conflict',
        `Run ${runId} is live: process ${pid} is recording it.`,
        'Stop the run first (Stop in the app, or Ctrl+C where `looplab run` drives it), then delete it.',
      );
    }
    // A job goes on in its container after its run stops, and records into the run while it does.
    const jobs = this.store
      .loadEvents(runId, { blobs: 'ref' })
      .flatMap((event) => (event.type === 'job.started' ? [event.payload.jobId] : []));
    const running = jobs.find((jobId) => this.owners.liveOwner(jobId) !== undefined);
    if (running !== undefined) {
      throw new AppError(
        'conflict',
        `Run ${runId} has a job still running (${running}).`,
        'Cancel the job (job_cancel, or Cancel in the Jobs panel) or let it finish, then delete the run.',
      );
    }
  }

  /** Under the write lock: checked again (a run may have been resumed meanwhile), then all rows go. */
  private deleteRows(runId: string): void {
    this.checkDeletable(runId);
    this.store.deleteRun(runId);
    this.db.prepare('DELETE FROM run_owners WHERE run_id = ?').run(runId);
  }
}
