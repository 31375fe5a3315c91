// Which runs have just started waiting for a person, from one runs list to the next: the moment to
// raise a desktop notification. Runs already waiting when the list first loads are not news.
import type { RunStatus } from '../../shared/events';
import type { RunSummary } from '../../shared/run-summary';

export type StatusMap = ReadonlyMap<string, RunStatus>;

export function statusMap(runs: readonly RunSummary[]): Map<string, RunStatus> {
  return new Map(runs.map((run) => [run.id, run.status]));
}

export function newlyWaiting(previous: StatusMap | null, runs: readonly RunSummary[]): RunSummary[] {
  if (previous === null) return [];
  return runs.filter((run) => run.status === 'waiting' && previous.get(run.id) !== 'waiting');
}
