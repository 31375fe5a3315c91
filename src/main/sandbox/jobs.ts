// Jobs: long work (training, evaluation) in a detached container of its own per job, beside the run's
// sandbox: its image (the CUDA build for the GPU), workspace and nothing else of the host, limits of
// its own (jobs-resources.ts). Its events go straight to the run's log. A job outlives the app: at start-up the
// service finds this data folder's job containers by label and watches them again (or records how
// they ended while the app was away), and removes each container once its job is recorded.
import { rm } from 'node:fs/promises';
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { DEFAULT_LIMITS, sandboxUser, type SandboxLimits } from './container-spec';
import { dockerFailure } from './docker-status';
import {
  createJobContainer,
  inspectJobContainer,
  listJobContainers,
  removeJobContainer,
  statusCode,
  watchedJob,
  unloadedFor,
  type JobContainerInfo,
} from './jobs-containers';
import { appendNote, countLoggedLines, jobFiles, prepareJobFolders, snapshotOutputs, tailLines } from './jobs-files';
import { commandOf, jobContainerName, jobContainerSpec, jobLogPath, LABEL_JOB, LABEL_JOB_CALL } from './jobs-spec';
import { jobIdsOf, jobStatusOf, type JobStatus } from './jobs-status';
import type { JobPlacement, JobRequest, JobServiceOptions, ReattachedJobs, StartedJob } from './jobs-types';
import { JobWatch, type WatchedJob, type WatchResume } from './jobs-watch';
import { engineProfile } from './engine-profile';
import { jobImage, type JobImage } from './jobs-image';
import { jobPlan, type JobPlan } from './jobs-resources';
import { prepareHfCache } from './sandbox-env';

export type { JobStatus } from './jobs-status';
export type { JobLogLine } from './jobs-watch';
export type {
  GpuMemoryGuard,
  JobLeases,
  JobPlacement,
  JobRequest,
  JobServiceOptions,
  JobSnapshots,
  ReattachedJobs,
  StartedJob,
} from './jobs-types';

type GpuRelease = (note: (text: string) => void) => Promise<void>;

const FROM_START: WatchResume = { logLines: 0, metricLines: 0 };

export class JobService {
  private readonly docker: Docker;
  private readonly user: string;
  private readonly watches = new Map<string, JobWatch>();
  private readonly starting = new Set<string>();
  /** Each job's memory limit, for the words that say it ran out. */
  private readonly memoryLimits = new Map<string, number>();

  constructor(private readonly options: JobServiceOptions) {
    this.docker = options.sandbox.docker;
    this.user = options.user ?? sandboxUser();
  }

  private get limits(): SandboxLimits {
    const given = this.options.limits;
    return { ...DEFAULT_LIMITS, ...(typeof given === 'function' ? given() : given) };
  }

  async start(placement: JobPlacement, request: JobRequest): Promise<StartedJob> {
    await this.options.sandbox.check();
    const image = await jobImage(this.options.sandbox, request.gpu);
    // What the job may use: the request's, the run's spec's, settings.json's, then the machine's share.
    const given = { ...request.resources, timeoutSeconds: request.timeoutSeconds };
    const plan = await jobPlan(this.docker, [given, placement.jobs, this.options.jobResources?.()], this.limits);
    const jobId = newId('job');
    const job: WatchedJob = {
      jobId,
      runId: placement.runId,
      containerName: jobContainerName(this.homeHash, jobId),
      workspaceFolder: placement.workspaceFolder,
      gpu: request.gpu,
      startedAt: Date.now(),
      timeoutSeconds: plan.timeoutSeconds,
    };
    this.starting.add(jobId);
    try {
      const giveBack = await this.launch(job, placement, request, image, plan);
      this.memoryLimits.set(jobId, plan.limits.memoryBytes);
      const { callId, command, gpu } = request;
      this.options.log.append(job.runId, [{ type: 'job.started', payload: { jobId, callId, command, gpu } }]);
      this.watch(job, FROM_START, giveBack);
      return { jobId, logPath: jobLogPath(jobId) };
    } finally {
      this.starting.delete(jobId);
    }
  }

  /** Prepares the job's files, frees the GPU when asked and starts the container; undoes it all on failure. */
  private async launch(
    job: WatchedJob,
    placement: JobPlacement,
    request: JobRequest,
    { image, searchPath }: JobImage,
    plan: JobPlan,
  ): Promise<GpuRelease | undefined> {
    const files = jobFiles(job.workspaceFolder, job.jobId);
    await prepareJobFolders(job.workspaceFolder, this.user);
    await prepareHfCache(this.options.sandbox.hfCache, this.user);
    await snapshotOutputs(job.workspaceFolder, files);
    const note = (text: string) => appendNote(files, text);
    const giveBack = request.gpu ? await this.options.gpuMemory?.acquire(note) : undefined;
    const spec = jobContainerSpec({
      ...job,
      ...request,
      timeoutSeconds: job.timeoutSeconds,
      callId: request.callId,
      image,
      searchPath,
      homeHash: this.homeHash,
      limits: plan.limits,
      shmBytes: plan.shmBytes,
      hfCache: this.options.sandbox.hfCache,
      network: placement.network ?? 'none',
      user: this.user,
      engine: await engineProfile(this.docker),
      ollamaModels: request.gpu ? this.options.gpuMemory?.unloaded?.() : undefined,
    });
    try {
      await createJobContainer(this.docker, spec, image, request.gpu, note);
      return giveBack;
    } catch (error) {
      await giveBack?.(() => undefined);
      await rm(files.log, { force: true });
      await rm(files.outputsSnapshot, { force: true });
      throw error;
    }
  }

  /** The job as the run's events tell it; throws when the run has no such job. */
  status(runId: string, jobId: string): JobStatus {
    const events = this.options.log.loadEvents(runId);
    const status = jobStatusOf(events, jobId);
    if (status !== undefined) return status;
    const ids = jobIdsOf(events);
    throw new AppError(
      'not_found',
      `This run has no job ${jobId}.`,
      ids.length === 0 ? 'Start one with job_start.' : `Its jobs: ${ids.join(', ')}.`,
    );
  }

  /** Waits up to `ms` for a running job to end (sooner when the signal aborts), then tells its status. */
  async waitFor(runId: string, jobId: string, ms: number, signal: AbortSignal): Promise<JobStatus> {
    const status = this.status(runId, jobId);
    const watch = this.watches.get(jobId);
    if (status.state !== 'running' || watch === undefined || ms <= 0) return status;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      watch.done,
      new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
        onAbort = () => resolve(undefined);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
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
    try {
      await this.docker.getContainer(jobContainerName(this.homeHash, jobId)).stop({ t: 5 });
    } catch (error) {
      if (statusCode(error) !== 404) throw dockerFailure(error, this.docker);
      this.options.log.append(runId, [
        { type: 'job.finished', payload: { jobId, status: 'cancelled', exitCode: null } },
      ]);
    }
    return this.status(runId, jobId);
  }

  /** Resolves when this process has finished watching the job (recorded or let go). */
  settled(jobId: string): Promise<void> {
    return this.watches.get(jobId)?.done ?? Promise.resolve();
  }

  /**
   * After a restart: watches again every job container of this data folder that no other live process
   * watches; jobs whose end is already recorded only have their container removed.
   */
  async reattach(): Promise<ReattachedJobs> {
    const result: ReattachedJobs = { running: [], ended: [] };
    for (const found of await listJobContainers(this.docker, this.homeHash)) {
      const jobId = found.Labels?.[LABEL_JOB];
      if (jobId === undefined || this.watches.has(jobId) || this.starting.has(jobId)) continue;
      const owner = this.options.leases?.liveOwner(jobId);
      if (owner !== undefined && owner !== process.pid) continue;
      const info = await inspectJobContainer(this.docker, found.Id);
      const job = info === undefined ? undefined : watchedJob(info, jobId);
      if (info === undefined || job === undefined) {
        await removeJobContainer(this.docker, found.Id);
        continue;
      }
      const status = jobStatusOf(this.options.log.loadEvents(job.runId), jobId);
      if (status !== undefined && status.state !== 'running') {
        await removeJobContainer(this.docker, found.Id);
        continue;
      }
      if (status === undefined) this.recordStarted(job, info);
      if (info.HostConfig.Memory > 0) this.memoryLimits.set(jobId, info.HostConfig.Memory);
      const logLines = await countLoggedLines(jobFiles(job.workspaceFolder, jobId));
      // A GPU job found again holds the GPU: the models unloaded for it come back when it ends.
      const adopted = job.gpu ? unloadedFor(info) : undefined;
      const note = (text: string) => appendNote(jobFiles(job.workspaceFolder, jobId), text);
      const giveBack = adopted && (await this.options.gpuMemory?.acquire(note, adopted));
      this.watch(job, { logLines, metricLines: status?.metricCount ?? 0 }, giveBack);
      result[info.State.Running ? 'running' : 'ended'].push(jobId);
    }
    return result;
  }

  /** Lets go of every job without stopping it, for the next process to reattach. */
  disconnect(): void {
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
    return (await listJobContainers(this.docker, this.homeHash)).map((found) => found.Id);
  }

  private get homeHash(): string {
    return this.options.sandbox.homeHash;
  }

  private watch(job: WatchedJob, resume: WatchResume, giveBack?: GpuRelease): void {
    const watch = new JobWatch(
      {
        docker: this.docker,
        log: this.options.log,
        memoryLimitBytes: this.memoryLimits.get(job.jobId) ?? this.limits.memoryBytes,
        diskReserveBytes: this.limits.diskReserveBytes,
        onLog: this.options.onLog,
        onEnd: async (note) => giveBack?.(note),
        beforeFinish: async () => {
          const { jobId, runId, workspaceFolder } = job;
          const payload = await this.options.snapshots?.capture(runId, workspaceFolder, { jobId });
          return payload === undefined ? [] : [{ type: 'workspace.snapshot', payload }];
        },
      },
      job,
      resume,
    );
    this.watches.set(job.jobId, watch);
    this.options.leases?.claim(job.jobId);
    void watch.done.then(() => {
      if (this.watches.get(job.jobId) !== watch) return;
      this.watches.delete(job.jobId);
      this.memoryLimits.delete(job.jobId);
      this.releaseLease(job.jobId);
    });
  }

  private recordStarted(job: WatchedJob, info: JobContainerInfo): void {
    const callId = info.Config.Labels?.[LABEL_JOB_CALL];
    const command = commandOf(info.Config.Cmd);
    this.options.log.append(job.runId, [
      { type: 'job.started', payload: { jobId: job.jobId, callId, command, gpu: job.gpu } },
    ]);
  }
}
