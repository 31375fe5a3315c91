// What may differ between a recorded tool result and the same call run again without meaning the
// environment changed: ids Looplab makes per run (run, job and call ids), container ids and host
// names, absolute times and durations. Replay and compare both judge results through this one
// function, so "the same" means the same thing everywhere.
const rules: readonly [RegExp, string][] = [
  // Ids Looplab generates: a time part and a random part (`run_0m1abc…`, `job_…`).
  [/\b(run|job|call)_[0-9a-z]{9,}\b/g, '$1_<id>'],
  // Docker container ids, full or short (the short one is also the host name inside a sandbox).
  [/\bcontainer[\s:=]+[0-9a-f]{12,64}\b/gi, 'container <id>'],
  [/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12}\b/g, '<short id>'],
  // ISO 8601 and RFC 3339 times, and `date`'s default form (Thu Nov 26 23:43:35 UTC 2026).
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [
    /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}(?: [A-Z]{2,5})? \d{4}\b/g,
    '<time>',
  ],
  // Unix times in seconds or milliseconds (2020 to 2286).
  [/\b1[5-9]\d{8}(?:\d{3}|\.\d+)?\b/g, '<time>'],
  // Durations: `1.5 s`, `230ms`, `2 min`, `0:00:03` elapsed.
  [/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\b/g, '<duration>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<duration>'],
];

/** A tool result with everything that may legitimately differ between two runs replaced by a placeholder. */
export function normalizeResult(text: string): string {
  let out = text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out;
}

export interface ComparableResult {
  output: string;
  isError: boolean;
}

/** Whether two tool results are the same once normalised (and both failed, or both did not). */
export function sameResult(a: ComparableResult, b: ComparableResult): boolean {
  return a.isError === b.isError && normalizeResult(a.output) === normalizeResult(b.output);
}
