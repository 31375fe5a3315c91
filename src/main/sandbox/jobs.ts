// Jobs: long work (training, evaluation) in a detached container of its own per job, beside the run's
// sandbox: its image (the CUDA build for the GPU), workspace and nothing else of the host, limits of
// its own (jobs-resources.ts). Its events go straight to the run's log. A job outlives the app: at start-up the
// service finds this data folder's job containers by label and watches them again (or records how
// they ended while the app was away), and removes each container once its job is recorded.
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { DEFAULT_LIMITS, sandboxUser, type SandboxLimits } from './container-spec';
import { listJobContainers, startedFromContainer, unloadedFor, type JobContainerInfo } from './jobs-containers';
import { findJobs } from './jobs-reattach';
import { appendNote, jobFiles, tailLines } from './jobs-files';
import { jobContainerName, jobLogPath } from './jobs-spec';
import { jobStatusOf, requireJobStatus, type JobStatus } from './jobs-status';
import type { JobPlacement, JobRequest, JobServiceOptions, ReattachedJobs, StartedJob } from './jobs-types';
import { JobWatch, type WatchedJob, type WatchResume } from './jobs-watch';
import { WatchSet, type FiredWatch } from './jobs-watches';
import { autoResumeFrom, newestCheckpoint, reattachPoint, type Checkpoint } from './jobs-resume';
import { watchDeadline, type Outcome } from './jobs-outcome';
import { jobAttempt, launchOn, type GpuRelease } from './jobs-launch';
import type { WatchRule } from '../../shared/job-watches';
import { JobWaits } from './jobs-wait';
import { JobEngines, jobWatchDeps, placeName, placeTarget, RELINK_MS } from './jobs-engines';
import { stopUnwatched, watchLink, type JobPlace } from './jobs-engines';
import { findElsewhere, startedElsewhere } from './jobs-elsewhere';
import type { JobHandle } from './jobs-handle';

export type { JobStatus } from './jobs-status';
export type { JobPlacement } from './jobs-types';

const FROM_START: WatchResume = { logLines: 0, metricLines: 0 };
/** How often this machine's engine is looked at again when Docker did not answer at start-up. */
const LOCAL_RELINK_MS = 10_000;

export class JobService {
  private readonly engines: JobEngines;
  private readonly user: string;
  /** Set once every job was let go: a job whose link was cut is no longer looked for. */
  private disconnected = false;
  private readonly watches = new Map<string, JobWatch>();
  private readonly starting = new Set<string>();
  /** Per watched job: settles once it ended and whether it resumes by itself is decided. */
  private readonly ended = new Map<string, Promise<void>>();
  private readonly waits = new JobWaits();
  /** Each job's memory limit, for the words that say it ran out. */
  private readonly memoryLimits = new Map<string, number>();

  constructor(private readonly options: JobServiceOptions) {
    this.engines = new JobEngines(options.sandbox.docker, options.targets);
    this.user = options.user ?? sandboxUser();
  }

  private get limits(): SandboxLimits {
    const given = this.options.limits;
    return { ...DEFAULT_LIMITS, ...(typeof given === 'function' ? given() : given) };
  }

  async start(placement: JobPlacement, request: JobRequest): Promise<StartedJob> {
    const place = this.engines.place(request.target ?? placement.jobDefaults?.target, placement.network);
    const jobId = newId('job');
    const watches = request.watches ?? placement.jobDefaults?.watches ?? [];
    const resume = request.resume ?? placement.jobDefaults?.resume ?? 'manual';
    this.starting.add(jobId);
    try {
      const { job, giveBack, handle } = await this.launch(place, placement, request, jobId);
      const { callId, command, gpu } = request;
      const where =
        place.backend === undefined && place.engine.target === undefined ? {} : { target: placeName(place) };
      const payload = { jobId, callId, command, gpu, timeoutSeconds: job.timeoutSeconds, ...where };
      const supervised = { ...(watches.length > 0 ? { watches } : {}), ...(resume === 'auto' ? { resume } : {}) };
      this.options.log.append(job.runId, [{ type: 'job.started', payload: { ...payload, ...supervised } }]);
      const plan = { watches, deadline: placement.deadline };
      this.watch(job, FROM_START, giveBack, plan, placement, place, handle);
      return { jobId, logPath: jobLogPath(jobId) };
    } finally {
      this.starting.delete(jobId);
    }
  }

  /** Starts one run of a job where it goes (see launchOn) and keeps its memory limit. */
  private async launch(place: JobPlace, placement: JobPlacement, request: JobRequest, jobId: string, at?: Checkpoint) {
    const context = { options: this.options, limits: this.limits, user: this.user, homeHash: this.homeHash };
    const launched = await launchOn(context, place, placement, request, jobId, at);
    this.memoryLimits.set(jobId, launched.memoryBytes);
    return launched;
  }

  /**
   * Runs an ended job again from the newest checkpoint it wrote (see jobs-resume.ts): the same id, log and
   * metric series, its metric lines up to the last recorded step dropped. Throws, saying why, when it cannot.
   */
  async resume(placement: JobPlacement, jobId: string, callId?: string): Promise<Checkpoint> {
    const status = this.status(placement.runId, jobId);
    if (this.watches.has(jobId) || this.starting.has(jobId))
      throw new AppError('conflict', `${jobId} is still running.`, 'Cancel it first, or wait for it to end.');
    const checkpoint = newestCheckpoint(status, placement.workspaceFolder);
    await this.resumeFrom(placement, status, checkpoint, callId);
    return checkpoint;
  }

  private async resumeFrom(placement: JobPlacement, status: JobStatus, checkpoint: Checkpoint, callId?: string) {
    const { jobId, gpu, lastStep } = status;
    const request = { command: status.fullCommand ?? '', gpu, timeoutSeconds: status.timeoutSeconds, callId };
    const place = this.engines.place(status.target, placement.network);
    this.starting.add(jobId);
    try {
      const { job, giveBack, handle } = await this.launch(place, placement, request, jobId, checkpoint);
      const resumed = { jobId, callId, checkpoint: checkpoint.path, fromStep: lastStep, auto: callId === undefined };
      this.options.log.append(job.runId, [{ type: 'job.resumed', payload: resumed }]);
      const resume: WatchResume = { ...FROM_START, floorStep: lastStep };
      const plan = { watches: status.watches, deadline: placement.deadline };
      this.watch(job, resume, giveBack, plan, placement, place, handle);
    } finally {
      this.starting.delete(jobId);
    }
  }

  /** The job as the run's events tell it; throws when the run has no such job. */
  status(runId: string, jobId: string): JobStatus {
    return requireJobStatus(this.options.log.loadEvents(runId), jobId);
  }

  /**
   * Waits up to `ms` for a running job to end (sooner when one of its watches fires or the signal aborts),
   * then tells its status.
   */
  async waitFor(runId: string, jobId: string, ms: number, signal: AbortSignal): Promise<JobStatus> {
    const status = this.status(runId, jobId);
    const ended = this.ended.get(jobId);
    if (status.state !== 'running' || ended === undefined || ms <= 0) return status;
    await this.waits.wait(jobId, ended, ms, signal);
    return this.status(runId, jobId);
  }

  /** The last lines of the job's log; a log that something in the sandbox replaced with a link out is refused. */
  async logs(placement: JobPlacement, jobId: string, lines: number): Promise<string[]> {
    this.status(placement.runId, jobId);
    try {
      return tailLines(jobFiles(placement.workspaceFolder, jobId), lines);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** Stops a running job and resolves with its status once that is recorded. */
  async cancel(runId: string, jobId: string): Promise<JobStatus> {
    const status = this.status(runId, jobId);
    if (status.state !== 'running') return status;
    const watch = this.watches.get(jobId);
    if (watch !== undefined) {
      await watch.cancel();
      return this.status(runId, jobId);
    }
    // Watched by another process (which records the end), or its container is gone.
    const timeout = status.timeoutSeconds ?? 0;
    const job = jobAttempt(this.homeHash, { runId, workspaceFolder: '' }, jobId, status.gpu, timeout);
    await stopUnwatched(this.engines.place(status.target), job, () =>
      this.options.log.append(runId, [
        { type: 'job.finished', payload: { jobId, status: 'cancelled', exitCode: null } },
      ]),
    );
    return this.status(runId, jobId);
  }

  /** Resolves when this process has finished watching the job (recorded or let go). */
  settled(jobId: string): Promise<void> {
    return this.watches.get(jobId)?.done ?? Promise.resolve();
  }

  /**
   * After a restart: watches again every job container of this data folder, here and on each target,
   * that no other live process watches; jobs whose end is already recorded only have their container
   * removed. An engine that does not answer now (a target's, or this machine's Docker not started yet)
   * is looked at again until it does. This machine's engine not answering does not keep the targets'
   * jobs from being found: its error comes after them.
   */
  async reattach(): Promise<ReattachedJobs> {
    const result: ReattachedJobs = { running: [], ended: [] };
    let localFailure: unknown;
    for (const place of this.engines.all()) {
      const found = this.reattachOn(place, result);
      const local = placeTarget(place) === undefined;
      await found.catch((error: unknown) => {
        if (local) localFailure = error;
        this.relink(place, local ? LOCAL_RELINK_MS : RELINK_MS);
      });
    }
    if (localFailure !== undefined) throw localFailure;
    return result;
  }

  private get findContext() {
    const handled = (jobId: string) => this.watches.has(jobId) || this.starting.has(jobId);
    return { homeHash: this.homeHash, log: this.options.log, leases: this.options.leases, handled };
  }

  private async reattachOn(place: JobPlace, result: ReattachedJobs): Promise<void> {
    if (place.backend !== undefined) {
      for (const found of await findElsewhere(place.backend, this.findContext)) {
        const { job, handle, status } = found;
        if (status === undefined) this.options.log.append(job.runId, [startedElsewhere(job, place.backend.name)]);
        this.watch(job, found.resume, undefined, found.plan, undefined, place, handle);
        result[found.running ? 'running' : 'ended'].push(job.jobId);
      }
      return;
    }
    const { engine } = place;
    for (const { job, info, status } of await findJobs(engine.docker, this.findContext)) {
      const { jobId } = job;
      if (status === undefined) this.recordStarted(job, info);
      if (info.HostConfig.Memory > 0) this.memoryLimits.set(jobId, info.HostConfig.Memory);
      const { resume, plan } = await reattachPoint(job, info, status);
      // A GPU job found again holds the GPU: the models unloaded for it come back when it ends.
      const adopted = job.gpu && engine.target === undefined ? unloadedFor(info) : undefined;
      const note = (text: string) => appendNote(jobFiles(job.workspaceFolder, jobId), text);
      const giveBack = adopted && (await this.options.gpuMemory?.acquire(note, adopted));
      this.watch(job, resume, giveBack, plan, undefined, place);
      result[info.State.Running ? 'running' : 'ended'].push(jobId);
    }
  }

  /** Lets go of every job without stopping it, for the next process to reattach. */
  disconnect(): void {
    this.disconnected = true;
    for (const [jobId, watch] of this.watches) {
      watch.detach();
      this.releaseLease(jobId);
    }
    this.watches.clear();
  }

  private releaseLease(jobId: string): void {
    try {
      this.options.leases?.release(jobId);
    } catch {
      // The store is closed already; a lease of a process that is gone counts for nothing.
    }
  }

  /** The ids of this data folder's job containers. */
  async containerIds(): Promise<string[]> {
    return (await listJobContainers(this.engines.named(undefined).docker, this.homeHash)).map((found) => found.Id);
  }

  private get homeHash(): string {
    return this.options.sandbox.homeHash;
  }

  /**
   * Watches one run of a job: its output, its watches (against the run's time budget or its own timeout,
   * whichever ends first) and, once it ended, whether it resumes by itself (in the same placement).
   */
  private watch(
    job: WatchedJob,
    resume: WatchResume,
    giveBack: GpuRelease | undefined,
    plan: { watches: readonly WatchRule[]; deadline?: number | undefined; firedBefore?: readonly WatchRule[] },
    placement: JobPlacement = { runId: job.runId, workspaceFolder: job.workspaceFolder },
    place: JobPlace = this.engines.place(undefined),
    handle?: JobHandle,
  ): void {
    const watches = new WatchSet(plan.watches, watchDeadline(job, plan.deadline), job.startedAt, plan.firedBefore);
    const onFired = (fired: FiredWatch) => {
      this.waits.wake(job.jobId);
      this.options.onWatch?.(job.runId, job.jobId, fired);
    };
    const deps = jobWatchDeps(this.options, job, place, handle, {
      containerName: jobContainerName(this.homeHash, job.jobId),
      supervise: { watches, gpu: job.gpu ? this.options.gpuSampling : undefined, onFired },
      memoryLimitBytes: this.memoryLimits.get(job.jobId) ?? this.limits.memoryBytes,
      diskReserveBytes: this.limits.diskReserveBytes,
      giveBack,
    });
    const watch = new JobWatch(deps, job, resume);
    this.watches.set(job.jobId, watch);
    this.options.leases?.claim(job.jobId);
    const unwatchLink = watchLink(place, () => watch.detach());
    const ended = watch.done.then(async () => {
      unwatchLink();
      if (this.watches.get(job.jobId) !== watch) return;
      this.watches.delete(job.jobId);
      this.memoryLimits.delete(job.jobId);
      this.releaseLease(job.jobId);
      // The link to the job's machine was cut: it is looked for again until that machine answers.
      if (watch.outcome === undefined && placeTarget(place) !== undefined) this.relink(place);
      await this.autoResume(job, watch.outcome, placement).catch(() => undefined);
    });
    this.ended.set(job.jobId, ended);
  }

  /** Looks for the jobs of an engine again every few seconds, until it answers or all is let go. */
  private relink(place: JobPlace, everyMs = RELINK_MS): void {
    const again = () => {
      if (this.disconnected) return;
      const result: ReattachedJobs = { running: [], ended: [] };
      this.reattachOn(place, result).catch(() => setTimeout(again, everyMs).unref());
    };
    setTimeout(again, everyMs).unref();
  }

  /** A job killed under `resume: auto` runs again from its newest checkpoint (see autoResumeFrom). */
  private async autoResume(job: WatchedJob, outcome: Outcome | undefined, placement: JobPlacement): Promise<void> {
    if (outcome === undefined) return;
    const status = jobStatusOf(this.options.log.loadEvents(job.runId), job.jobId);
    if (status === undefined || status.state === 'running') return;
    const checkpoint = autoResumeFrom(status, outcome, job.workspaceFolder);
    if (checkpoint !== undefined) await this.resumeFrom(placement, status, checkpoint);
  }

  private recordStarted(job: WatchedJob, info: JobContainerInfo): void {
    this.options.log.append(job.runId, [startedFromContainer(job, info)]);
  }
}
