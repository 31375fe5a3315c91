// Where a watcher reads a job's output again after the container exits: the engine may end a follow
// before the last lines it stores, so the output is read once more from a second before the last frame
// handled, skipping the frames handled since then. The engine's timestamps of stdout and stderr may be
// slightly out of order, hence the second.

/** Enough frames to cover the second before the last one, however fast a job prints. */
const MAX_RECENT_STAMPS = 100_000;

export function catchUpPoint(stamps: readonly string[]): { since: string; skip: number } | undefined {
  const last = stamps[stamps.length - 1];
  if (last === undefined) return undefined;
  // RFC 3339 with nanoseconds, fixed width and UTC: 2026-11-26T22:33:32.318714746Z.
  const seconds = Math.floor(Date.parse(`${last.slice(0, 19)}Z`) / 1000) - 1;
  const nanos = last.slice(20, 29);
  const from = `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${nanos}Z`;
  return { since: `${seconds}.${nanos}`, skip: stamps.filter((stamp) => stamp >= from).length };
}

/** Keeps the engine's timestamp of each frame handled, oldest first, dropping the oldest half when full. */
export function rememberStamp(stamps: string[], stamp: string): void {
  stamps.push(stamp);
  if (stamps.length > MAX_RECENT_STAMPS) stamps.splice(0, stamps.length / 2);
}
