// A job's watches, judged line by line and tick by tick as pure state (the clock is given): a metric that
// turns NaN or infinite, one that stops improving over N logs, no output for T minutes, and an estimated
// end past the run's time budget. Each watch fires once per run of the job (a silent one again after the
// output comes back); the watcher records what fired and wakes whoever waits on the job.
import { watchKey, type WatchRule } from '../../shared/job-watches';
import { formatDuration, formatMetric } from '../../shared/format';
import type { MetricLine } from './jobs-metrics';

export interface FiredWatch {
  watch: WatchRule;
  /** What it saw, e.g. "loss is NaN at step 120". */
  message: string;
  step?: number;
}

/** How far the job says it is, and when it should end at the pace since the first report. */
export interface JobProgress {
  done: number;
  total: number;
  etaSeconds: number;
}

/** The time the job has: the run's time budget ends, or the job's own timeout. */
export interface JobDeadline {
  at: number;
  what: 'the run’s time budget' | 'the job’s timeout';
}

const PROGRESS = /(?:^|[\s|:])(\d{1,12})\/(\d{1,12})(?=$|[\s[|,])/;
const NON_FINITE = /["']([^"']{1,128})["']\s*:\s*(-?(?:NaN|nan|Infinity|inf))\b/g;
const STEP = /["']step["']\s*:\s*(\d{1,15})\b/;
/** The estimate counts once the job has reported progress over this long. */
const ETA_SETTLE_MS = 30_000;

/** The `{"name": NaN}` or `{'name': inf}` values of a line printed as JSON or as a Python dict. */
export function nonFiniteValues(line: string): { names: string[]; step: number | undefined } | undefined {
  const text = line.slice(line.lastIndexOf('\r') + 1).trim();
  if (!text.startsWith('{') || !/nan|inf/i.test(text)) return undefined;
  const names = [...text.matchAll(NON_FINITE)].map((match) => `${match[1]} is ${match[2]}`);
  if (names.length === 0) return undefined;
  const step = STEP.exec(text)?.[1];
  return { names, step: step === undefined ? undefined : Number(step) };
}

/** A progress count a line shows (`12/100`, as tqdm draws it), or a metric line's step of its `max_steps`. */
export function progressOf(line: string, metric: MetricLine | undefined): { done: number; total: number } | undefined {
  const total = metric?.values.max_steps ?? metric?.values.total_steps;
  if (metric?.step !== undefined && total !== undefined && total > 0) return { done: metric.step, total };
  const match = PROGRESS.exec(line.slice(line.lastIndexOf('\r') + 1));
  if (match === null) return undefined;
  const done = Number(match[1]);
  const count = Number(match[2]);
  return count > 0 && done <= count ? { done, total: count } : undefined;
}

interface Plateau {
  best: number | undefined;
  since: number;
}

export class WatchSet {
  private readonly fired = new Set<string>();
  private readonly plateaus = new Map<string, Plateau>();
  private lastOutputAt: number;
  private first: { done: number; total: number; at: number } | undefined;
  private latest: JobProgress | undefined;

  constructor(
    readonly watches: readonly WatchRule[],
    private readonly deadline: JobDeadline | undefined,
    startedAt: number,
    /** Watches already recorded as fired (a watcher started again after a restart). */
    firedBefore: readonly WatchRule[] = [],
  ) {
    this.lastOutputAt = startedAt;
    for (const watch of firedBefore) this.fired.add(watchKey(watch));
  }

  /** The job's progress and estimated time left, once it can be told. */
  get progress(): JobProgress | undefined {
    return this.latest;
  }

  /** One line of output, with the metric it holds (if any), at `now`. */
  line(text: string, metric: MetricLine | undefined, now: number): FiredWatch[] {
    this.heard(now);
    const fired: FiredWatch[] = [];
    const bad = nonFiniteValues(text);
    if (bad !== undefined) fired.push(...this.nonFinite(bad.names, bad.step));
    if (metric !== undefined) fired.push(...this.plateau(metric));
    const progress = progressOf(text, metric);
    if (progress !== undefined) fired.push(...this.advance(progress, now));
    return fired;
  }

  /** A redraw of a line not ended yet (a progress bar, `\r 12/100`): progress, and output all the same. */
  redraw(text: string, now: number): FiredWatch[] {
    this.heard(now);
    const progress = progressOf(text, undefined);
    return progress === undefined ? [] : this.advance(progress, now);
  }

  private heard(now: number): void {
    this.lastOutputAt = now;
    for (const watch of this.watches) if (watch.kind === 'silent') this.fired.delete(watchKey(watch));
  }

  /** The watches that depend on time alone: no output for too long. */
  tick(now: number): FiredWatch[] {
    return this.watches.flatMap((watch) => {
      if (watch.kind !== 'silent' || now - this.lastOutputAt < watch.minutes * 60_000) return [];
      const quiet = formatDuration(now - this.lastOutputAt);
      return this.fire(watch, `no output for ${quiet}`, undefined);
    });
  }

  private fire(watch: WatchRule, message: string, step: number | undefined): FiredWatch[] {
    const key = watchKey(watch);
    if (this.fired.has(key)) return [];
    this.fired.add(key);
    return [step === undefined ? { watch, message } : { watch, message, step }];
  }

  private nonFinite(names: readonly string[], step: number | undefined): FiredWatch[] {
    const at = step === undefined ? '' : ` at step ${step}`;
    return this.watches.flatMap((watch) => {
      if (watch.kind !== 'non_finite') return [];
      const seen = names.filter((name) => watch.metric === undefined || name.startsWith(`${watch.metric} is `));
      return seen.length === 0 ? [] : this.fire(watch, `${seen.join(', ')}${at}`, step);
    });
  }

  private plateau(metric: MetricLine): FiredWatch[] {
    return this.watches.flatMap((watch) => {
      if (watch.kind !== 'plateau') return [];
      const value = metric.values[watch.metric];
      if (value === undefined) return [];
      const state = this.plateaus.get(watch.metric) ?? { best: undefined, since: 0 };
      this.plateaus.set(watch.metric, state);
      const gain =
        state.best === undefined ? Infinity : watch.better === 'lower' ? state.best - value : value - state.best;
      if (gain > watch.minDelta) {
        state.best = value;
        state.since = 0;
        return [];
      }
      if (++state.since < watch.logs) return [];
      const at = metric.step === undefined ? '' : ` at step ${metric.step}`;
      const best = formatMetric(state.best ?? value);
      return this.fire(watch, `${watch.metric} has not improved on ${best} over ${state.since} logs${at}`, metric.step);
    });
  }

  private advance(progress: { done: number; total: number }, now: number): FiredWatch[] {
    // Several bars (epochs, evaluation) may count at once: the one with the most to do is the job's.
    if (this.first !== undefined && progress.total < this.first.total) return [];
    if (this.first === undefined || progress.total > this.first.total || progress.done < this.first.done)
      this.first = { ...progress, at: now };
    const { first } = this;
    const elapsed = now - first.at;
    if (progress.done <= first.done || elapsed < ETA_SETTLE_MS) return [];
    const etaSeconds = Math.round(((progress.total - progress.done) * elapsed) / (progress.done - first.done) / 1000);
    this.latest = { done: progress.done, total: progress.total, etaSeconds };
    const watch = this.watches.find((candidate) => candidate.kind === 'eta_over_budget');
    if (watch === undefined || this.deadline === undefined || now + etaSeconds * 1000 <= this.deadline.at) return [];
    const left = formatDuration(Math.max(0, this.deadline.at - now));
    const message = `${progress.done}/${progress.total} done; at this pace it needs ${formatDuration(etaSeconds * 1000)} more, and ${this.deadline.what} ends in ${left}`;
    return this.fire(watch, message, undefined);
  }
}
