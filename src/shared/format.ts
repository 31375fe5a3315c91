// Pure formatting helpers for numbers, money, times and sizes, shared by every view of a run.
import type { RunSummary } from './run-summary';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** A count in compact form: 950, 4.6k, 12k, 1.2M. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1000) return String(Math.round(value));
  if (abs < 1_000_000) return `${trimZero(value / 1000, abs < 10_000 ? 1 : 0)}k`;
  return `${trimZero(value / 1_000_000, abs < 10_000_000 ? 1 : 0)}M`;
}

function trimZero(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.0$/, '');
}

export function totalTokens(run: Pick<RunSummary, 'inputTokens' | 'outputTokens'>): number {
  return run.inputTokens + run.outputTokens;
}

/** Money for remote models: $0.012, $1.25, $140; tiny amounts read as <$0.001, nothing at all (a local model) as $0. */
export function formatCost(cost: number): string {
  if (cost === 0) return '$0';
  if (cost < 0.001) return '<$0.001';
  if (cost < 1) return `$${cost.toFixed(3)}`;
  if (cost < 100) return `$${cost.toFixed(2)}`;
  return `$${Math.round(cost)}`;
}

/** How long ago `time` was, seen from `now`: "just now", "3 min ago", "5 h ago", "2 d ago", then a date. */
export function formatRelative(time: number, now: number): string {
  const elapsed = now - time;
  if (elapsed < 45 * SECOND) return 'just now';
  if (elapsed < HOUR) return `${Math.max(1, Math.round(elapsed / MINUTE))} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  if (elapsed < 7 * DAY) return `${Math.floor(elapsed / DAY)} d ago`;
  return formatDate(time);
}

/** Local calendar date: 2025-03-14. */
export function formatDate(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local date and time to the second: 2025-03-14 09:26:53. */
export function formatDateTime(time: number): string {
  const date = new Date(time);
  return `${formatDate(time)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Local time of day to the millisecond, for event timelines: 09:26:53.042. */
export function formatClock(time: number): string {
  const date = new Date(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A span of time: 850 ms, 12.3 s, 4m 05s, 2h 03m, 3d 4h. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < SECOND) return `${Math.round(value)} ms`;
  if (value < MINUTE) return `${trimZero(value / SECOND, value < 10 * SECOND ? 1 : 0)} s`;
  if (value < HOUR) return `${Math.floor(value / MINUTE)}m ${pad(Math.floor((value % MINUTE) / SECOND))}s`;
  if (value < DAY) return `${Math.floor(value / HOUR)}h ${pad(Math.floor((value % HOUR) / MINUTE))}m`;
  return `${Math.floor(value / DAY)}d ${Math.floor((value % DAY) / HOUR)}h`;
}

/** How long a run has taken: to its end when it ended, else to its latest event. */
export function runDuration(run: Pick<RunSummary, 'createdAt' | 'updatedAt' | 'endedAt'>): number {
  return (run.endedAt ?? run.updatedAt) - run.createdAt;
}

/** A byte count in KB (at least 1), MB or GB: 12 KB, 1.4 MB, 4.4 GB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${trimZero(bytes / (1024 * 1024), 1)} MB`;
  return `${trimZero(bytes / 1024 ** 3, 1)} GB`;
}

/** A byte count in the largest fitting unit: 512 B, 4.2 KB, 17 MB, 1.5 GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? trimZero(value, 1) : Math.round(value)} ${units[unit]}`;
}

/** A metric value with at most four significant digits, without trailing zeros: 0.8123, 1234, 1.5e-5. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

/** Text on one line, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
