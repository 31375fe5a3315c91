// Pure merges of live `run.updated` pushes into what the UI already loaded, so pushes that race a
// load, arrive twice or arrive out of order never lose or duplicate anything.
import type { RunEvent } from '../../shared/events';
import type { RunSummary } from '../../shared/run-summary';

/** Replaces a run in place when the update is not older; a run not in the list goes on top. */
export function upsertRun(runs: readonly RunSummary[], run: RunSummary): RunSummary[] {
  const index = runs.findIndex((item) => item.id === run.id);
  if (index < 0) return [run, ...runs];
  const current = runs[index]!;
  if (current.lastSeq > run.lastSeq) return runs as RunSummary[];
  const next = runs.slice();
  next[index] = run;
  return next;
}

/** The newer of two summaries of the same run. */
export function newerSummary(current: RunSummary, update: RunSummary): RunSummary {
  return update.lastSeq >= current.lastSeq ? update : current;
}

/** Events with the incoming ones merged in by seq: no duplicates, in order. */
export function appendEvents(events: readonly RunEvent[], incoming: readonly RunEvent[]): RunEvent[] {
  const last = events.at(-1)?.seq ?? -1;
  const fresh = incoming.filter((event) => event.seq > last);
  if (fresh.length === incoming.length && isOrdered(fresh)) return [...events, ...fresh];
  const bySeq = new Map<number, RunEvent>();
  for (const event of [...events, ...incoming]) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isOrdered(events: readonly RunEvent[]): boolean {
  return events.every((event, index) => index === 0 || event.seq > events[index - 1]!.seq);
}
