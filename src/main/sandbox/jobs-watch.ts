// Watches one job wherever it runs (through its JobHandle: a container, a Slurm job, a Kubernetes Job):
// follows its output line by line into the job's log file, turns JSON metric lines into job.metric
// events, kills it past its deadline, and when it ends records its new outputs as artifacts and
// job.finished, then clears up where it ran. A watcher started again after a restart skips the lines and
// metrics already recorded: the output is replayed from the start.
import type { Writable } from 'node:stream';
import { AppError } from '../../shared/errors';
import type { EventDraft } from '../../shared/events';
import { DiskGuard } from './disk-guard';
import { changedOutputs, jobFiles, NOTE_PREFIX, type JobFiles } from './jobs-files';
import type { HandleEnd, JobHandle, OutputStream } from './jobs-handle';
import { parseMetricLine } from './jobs-metrics';
import { jobDeadline, jobOutcome, type Outcome, type StopReason } from './jobs-outcome';
import { JobSupervisor } from './jobs-supervisor';
import type { WatchDeps, WatchedJob, WatchResume } from './jobs-watch-types';
import { letGoSignal, openLog } from './jobs-watch-io';
import { LineSplitter } from './stream-limits';

export type { JobLogLine, WatchDeps, WatchedJob, WatchResume } from './jobs-watch-types';

const MAX_LINE_BYTES = 256 * 1024;
const FLUSH_MS = 250;
const FLUSH_COUNT = 200;
/** How long the output may trail the exit before the watcher stops waiting for it. */
const LOGS_GRACE_MS = 10_000;

export class JobWatch {
  readonly done: Promise<void>;
  private readonly controller = new AbortController();
  private readonly files: JobFiles;
  private readonly file: Writable;
  private readonly handle: JobHandle;
  private pending: EventDraft[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private linesSeen = 0;
  private metricsSeen = 0;
  private stopReason: StopReason | undefined;
  private readonly diskGuard: DiskGuard;
  private freeWhenStopped = 0;
  private readonly stdout = new LineSplitter((line) => this.line(line), MAX_LINE_BYTES);
  private readonly stderr = new LineSplitter((line) => this.line(line), MAX_LINE_BYTES);
  private detached = false;
  /** Settles when the watcher lets go: a request to an engine over a dead link may never answer an abort. */
  private readonly letGo = letGoSignal();
  private readonly supervisor: JobSupervisor | undefined;
  /** How the job ended, once recorded. */
  outcome: Outcome | undefined;

  constructor(
    private readonly deps: WatchDeps,
    readonly job: WatchedJob,
    private readonly resume: WatchResume,
  ) {
    this.files = jobFiles(job.workspaceFolder, job.jobId);
    this.file = openLog(this.files);
    this.file.on('error', () => undefined);
    this.handle = deps.handle;
    this.diskGuard = new DiskGuard(job.workspaceFolder, deps.diskReserveBytes, (free) => {
      this.stopReason ??= 'disk';
      this.freeWhenStopped = free;
      this.handle.kill().catch(() => undefined);
    });
    const supervise = deps.supervise;
    this.supervisor =
      supervise === undefined
        ? undefined
        : new JobSupervisor(job.jobId, supervise.watches, {
            ...supervise,
            record: (drafts, now) => this.record(drafts, now),
          });
    this.letGo.promise.catch(() => undefined);
    this.done = this.watch();
  }

  private get deadline(): number {
    return jobDeadline(this.job);
  }

  /** Stops the job (SIGTERM, then SIGKILL after 5 s) and resolves once it is recorded as cancelled. */
  async cancel(): Promise<void> {
    this.stopReason ??= 'cancelled';
    await this.handle.stop(5).catch(() => undefined);
    await this.done;
  }

  /** Lets go of the job without stopping it, for a later watcher (the app is closing, or crashed). */
  detach(): void {
    if (this.detached) return;
    this.flush();
    this.detached = true;
    clearTimeout(this.deadlineTimer);
    this.diskGuard.stop();
    this.supervisor?.stop();
    this.controller.abort();
    this.letGo.reject(new Error('let go'));
    this.file.end();
  }

  private async watch(): Promise<void> {
    this.deadlineTimer = setTimeout(
      () => {
        this.stopReason ??= 'timeout';
        this.handle.kill().catch(() => undefined);
      },
      Math.max(0, this.deadline - Date.now()),
    );
    this.diskGuard.start();
    this.supervisor?.start();
    const { signal } = this.controller;
    const sink = (bytes: Buffer, stream: OutputStream) => this.chunk(bytes, stream);
    const logsEnded = this.handle.follow(sink, signal).catch(() => undefined);
    let ended: HandleEnd;
    try {
      ended = await Promise.race([this.handle.wait(signal), this.letGo.promise]);
    } catch {
      // What runs the job cannot be reached (or this watcher let go): leave it for a later watcher.
      return this.detach();
    }
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([logsEnded, new Promise((resolve) => (grace = setTimeout(resolve, LOGS_GRACE_MS)))]);
    clearTimeout(grace);
    clearTimeout(this.deadlineTimer);
    this.diskGuard.stop();
    this.supervisor?.stop();
    if (this.detached) return;
    if (ended.exitCode !== null || ended.reason !== undefined)
      await this.handle.catchUp(sink, signal).catch(() => undefined);
    // The last line may have no newline.
    this.stdout.push(Buffer.from('\n'));
    this.stderr.push(Buffer.from('\n'));
    this.controller.abort();
    await this.finish(ended).catch(() => this.detach());
  }

  /** A chunk of output: a line, part of one, or several. */
  private chunk(text: Buffer, stream: OutputStream): void {
    if (this.detached) return;
    // A progress bar redraws its line with carriage returns and ends it only when done.
    const redraw = text.lastIndexOf(0x0d);
    if (redraw !== -1) this.supervisor?.redraw(text.subarray(redraw + 1).toString('utf8'));
    (stream === 'stdout' ? this.stdout : this.stderr).push(text);
  }

  private line(text: string): void {
    this.linesSeen++;
    if (this.linesSeen > this.resume.logLines) {
      this.file.write(`${text}\n`);
      this.deps.onLog?.({ runId: this.job.runId, jobId: this.job.jobId, line: text });
    }
    const parsed = parseMetricLine(text);
    const { floorStep } = this.resume;
    // A step the run before the resume recorded already: one series, no step twice.
    const repeated = parsed?.step !== undefined && floorStep !== undefined && parsed.step <= floorStep;
    const metric = repeated ? undefined : parsed;
    if (metric !== undefined) this.metricsSeen++;
    const handled = metric === undefined || this.metricsSeen <= this.resume.metricLines;
    if (!repeated) this.supervisor?.line(text, metric, handled && this.linesSeen <= this.resume.logLines);
    if (handled) return;
    this.record([{ type: 'job.metric', payload: { jobId: this.job.jobId, ...metric } }], false);
  }

  /** Queues events in order with the job's metrics; `now` writes them at once (a watch that fired). */
  private record(drafts: EventDraft[], now: boolean): void {
    this.pending.push(...drafts);
    if (now || this.pending.length >= FLUSH_COUNT) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.detached || this.pending.length === 0) return;
    const drafts = this.pending;
    this.pending = [];
    try {
      this.deps.log.append(this.job.runId, drafts);
    } catch {
      // The store is closed: this process is going away; the next one reads these lines again.
      this.detach();
    }
  }

  private note(text: string): void {
    if (!this.detached) this.file.write(`${NOTE_PREFIX}${text}\n`);
  }

  /** The cost of the job's time on its target, where the target has a rate. */
  private cost(): { cost?: number } {
    const cost = this.deps.cost?.(Date.now() - this.job.startedAt);
    return cost === undefined ? {} : { cost: Math.round(cost * 1e6) / 1e6 };
  }

  private async finish(ended: HandleEnd): Promise<void> {
    const outcome = jobOutcome(this.job, {
      ended,
      stopReason: this.stopReason,
      freeWhenStopped: this.freeWhenStopped,
      diskReserveBytes: this.deps.diskReserveBytes,
      memoryLimitBytes: this.deps.memoryLimitBytes,
    });
    // Outputs too large stay there, said in the log; a link that failed leaves the job for a later watcher.
    await this.handle.fetchOutputs?.().catch((error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      this.note(error.message);
    });
    this.note(outcome.note);
    this.outcome = outcome;
    const artifacts = await changedOutputs(this.job.workspaceFolder, this.files).catch(() => []);
    const { jobId } = this.job;
    const captured = (await this.deps.beforeFinish?.().catch(() => [])) ?? [];
    clearTimeout(this.flushTimer);
    this.deps.log.append(this.job.runId, [
      ...this.pending,
      ...artifacts.map((artifact): EventDraft => ({ type: 'artifact.recorded', payload: { ...artifact, jobId } })),
      ...captured,
      { type: 'job.finished', payload: { jobId, status: outcome.status, exitCode: outcome.exitCode, ...this.cost() } },
    ]);
    this.pending = [];
    await this.deps.onEnd((text) => this.note(text)).catch(() => undefined);
    await this.handle.remove().catch(() => undefined);
    this.detached = true;
    await new Promise<void>((resolve) => this.file.end(resolve));
  }
}
