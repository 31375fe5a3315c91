// Where each run was recorded, kept beside the append-only log: a run recorded in this data folder is
// "here"; one that came in through `looplab import`, or whose origin is not known, is from elsewhere,
// and what its recording asks for (this machine's runtime, the network, MCP servers, held-out paths)
// is never trusted without the person's word (see runs/run-trust.ts).
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';
import { writingTo } from './storage-errors';

export type RunSource = 'here' | 'import';

export class RunSources {
  private prepared: { get: Statement; set: Statement; remove: Statement } | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    /** The data folder, named when the source cannot be written (a full disk, a read-only folder). */
    private readonly folder: string,
  ) {}

  /** Prepared on first use: a folder opened read-only may predate the table, and then only reads fail. */
  private get statements() {
    this.prepared ??= {
      get: this.db.prepare('SELECT source FROM run_sources WHERE run_id = ?').pluck(),
      set: this.db.prepare('INSERT OR REPLACE INTO run_sources (run_id, source, recorded_at) VALUES (?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM run_sources WHERE run_id = ?'),
    };
    return this.prepared;
  }

  /** Forgets a deleted run's source (inside the delete's transaction). */
  forget(runId: string): void {
    this.statements.remove.run(runId);
  }

  record(runId: string, source: RunSource, time = Date.now()): void {
    writingTo(this.folder, () => this.statements.set.run(runId, source, time));
  }

  /** Where the run was recorded, or undefined when that is not known. */
  source(runId: string): RunSource | undefined {
    return this.statements.get.get(runId) as RunSource | undefined;
  }

  /** True unless the run was recorded in this data folder. */
  fromElsewhere(runId: string): boolean {
    return this.source(runId) !== 'here';
  }

  /**
   * Records the run's source, then runs `work` (which records its events). The source comes first and
   * outside the events' transaction, so that listeners still hear of events only once committed, and a
   * run never exists without its source; a source left by work that failed names no run and is harmless.
   */
  recording<T>(runId: string, source: RunSource, work: () => T): T {
    this.record(runId, source);
    return work();
  }
}
