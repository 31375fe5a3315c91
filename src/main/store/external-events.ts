// Which committed events this process has published. Its own appends are published as they commit;
// events other processes commit (a `looplab` command beside the app) are found by a look at
// `PRAGMA data_version` and the ids past the last one published, skipping the ranges this process
// appended itself meanwhile.
import type { RunEvent } from '../../shared/events';
import { rowToEvent, type EventRow, type EventStatements } from './event-rows';

export class ExternalEvents {
  /** Events with ids up to here have been published (or were there when the store opened). */
  private publishedUpTo: number;
  /** Id ranges this process appended beyond publishedUpTo: published already, skipped by `poll`. */
  private ownRanges: [number, number][] = [];
  private dataVersion: number;

  constructor(private readonly statements: EventStatements) {
    this.publishedUpTo = statements.lastId.get() as number;
    this.dataVersion = statements.dataVersion.get() as number;
  }

  /** Records that this process appended and published events firstId..lastId. */
  published(firstId: number, lastId: number): void {
    if (firstId === this.publishedUpTo + 1) this.publishedUpTo = lastId;
    else this.ownRanges.push([firstId, lastId]);
  }

  /**
   * Up to `limit` events past the last published, others' only, by run; `more` when there may be more.
   * Undefined when nothing changed (one PRAGMA).
   */
  poll(limit: number): { byRun: Map<string, RunEvent[]>; count: number; more: boolean } | undefined {
    const version = this.statements.dataVersion.get() as number;
    if (version === this.dataVersion && this.ownRanges.length === 0) return undefined;
    this.dataVersion = version;
    const rows = this.statements.eventsAfter.all(this.publishedUpTo, limit) as EventRow[];
    if (rows.length === 0) return undefined;
    const foreign = rows.filter((row) => !this.ownRanges.some(([from, to]) => row.id >= from && row.id <= to));
    this.publishedUpTo = rows.at(-1)!.id;
    this.ownRanges = this.ownRanges.filter(([, to]) => to > this.publishedUpTo);
    const byRun = new Map<string, RunEvent[]>();
    for (const row of foreign) {
      const events = byRun.get(row.run_id) ?? [];
      events.push(rowToEvent(row));
      byRun.set(row.run_id, events);
    }
    return { byRun, count: foreign.length, more: rows.length === limit };
  }
}
