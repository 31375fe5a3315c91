// What the watcher does beside following a job's output: judges its watches on each line and on a tick,
// records the progress it reports (at most once a minute), and samples the GPU into its series while a
// GPU job runs. It hands events to the watcher, which keeps them in order with the job's metrics.
import type { EventDraft } from '../../shared/events';
import type { JobGpuSampling } from './jobs-types';
import type { MetricLine } from './jobs-metrics';
import type { FiredWatch, WatchSet } from './jobs-watches';

const TICK_MS = 5_000;
const PROGRESS_EVERY_MS = 60_000;
const GPU_EVERY_MS = 15_000;

export interface SupervisorDeps {
  /** Records events; `now` asks for them to be written at once rather than with the next batch. */
  record(drafts: EventDraft[], now: boolean): void;
  /** After a fired watch is recorded. */
  onFired?: ((fired: FiredWatch) => void) | undefined;
  /** Given only for a job that uses the GPU. */
  gpu?: JobGpuSampling | undefined;
  now?: () => number;
}

export class JobSupervisor {
  private timer: NodeJS.Timeout | undefined;
  private progressAt = -Infinity;
  private gpuAt = -Infinity;
  private sampling = false;
  private gpuGone = false;
  private readonly now: () => number;

  constructor(
    private readonly jobId: string,
    private readonly watches: WatchSet,
    private readonly deps: SupervisorDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A line of output, with its metric if it is one; `replayed` when it was handled before a restart. */
  line(text: string, metric: MetricLine | undefined, replayed: boolean): void {
    const fired = this.watches.line(text, metric, this.now());
    if (replayed) return;
    this.fire(fired);
    this.recordProgress();
  }

  /** A redraw of a line not ended yet (a progress bar): it shows progress and that the job is alive. */
  redraw(text: string): void {
    this.fire(this.watches.redraw(text, this.now()));
    this.recordProgress();
  }

  private recordProgress(): void {
    const progress = this.watches.progress;
    if (progress === undefined || this.now() - this.progressAt < PROGRESS_EVERY_MS) return;
    this.progressAt = this.now();
    this.deps.record([{ type: 'job.progress', payload: { jobId: this.jobId, ...progress } }], false);
  }

  private tick(): void {
    this.fire(this.watches.tick(this.now()));
    const gpu = this.deps.gpu;
    if (gpu === undefined || this.gpuGone || this.sampling) return;
    if (this.now() - this.gpuAt < (gpu.everyMs ?? GPU_EVERY_MS)) return;
    this.gpuAt = this.now();
    this.sampling = true;
    void gpu.sampler
      .sample()
      .catch(() => undefined)
      .then((sample) => {
        this.sampling = false;
        if (this.timer === undefined) return;
        if (sample === undefined) {
          this.gpuGone = true;
          return;
        }
        const values = { gpu_utilization_pct: sample.utilizationPct, gpu_memory_mib: sample.memoryUsedMiB };
        this.deps.record([{ type: 'job.metric', payload: { jobId: this.jobId, values, source: 'gpu' } }], false);
      });
  }

  private fire(fired: readonly FiredWatch[]): void {
    if (fired.length === 0) return;
    this.deps.record(
      fired.map(({ watch, message, step }) => ({
        type: 'job.watch',
        payload:
          step === undefined ? { jobId: this.jobId, watch, message } : { jobId: this.jobId, watch, message, step },
      })),
      true,
    );
    for (const each of fired) this.deps.onFired?.(each);
  }
}
