// Which of a long run's events the timeline renders: the newest ones (where a live run is), as many
// earlier ones as the person asked for, and always the event to bring into view. Thousands of rows
// at once would cost seconds of layout for rows nobody is looking at.
export const TIMELINE_TAIL = 300;

/** The index of the first event (or other entry, `tail` of them by default) to render. */
export function timelineStart(
  length: number,
  extra: number,
  focusIndex: number | undefined,
  tail = TIMELINE_TAIL,
): number {
  const start = Math.max(0, length - tail - extra);
  if (focusIndex === undefined || focusIndex < 0) return start;
  return Math.min(start, Math.max(0, focusIndex - 20));
}
