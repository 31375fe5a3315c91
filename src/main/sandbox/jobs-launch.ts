// Starting one run of a job: its files (log, outputs snapshot), the GPU freed when it asks for one, and
// its container (the run's sandbox image and policy with the job's command; after a resume, told where its
// checkpoint is). What fails on the way is undone.
import { rm } from 'node:fs/promises';
import type Docker from 'dockerode';
import { engineProfile, type EngineProfile } from './engine-profile';
import { createJobContainer } from './jobs-containers';
import { appendNote, countLoggedLines, jobFiles, prepareJobFolders, snapshotOutputs } from './jobs-files';
import { RESUME_ENV, resumedSpec, type Checkpoint } from './jobs-resume';
import { jobContainerName, jobContainerSpec } from './jobs-spec';
import type { GpuMemoryGuard, JobPlacement, JobRequest, JobServiceOptions } from './jobs-types';
import type { SandboxLimits } from './container-spec';
import type { WatchedJob } from './jobs-watch';
import { jobImage, type JobImage } from './jobs-image';
import { jobPlan, type JobPlan } from './jobs-resources';
import { prepareHfCache } from './sandbox-env';
import { remoteJobSpec, removeJobVolume, shipWorkspace, type SshCommand } from './jobs-remote';
import {
  engineCannotSee,
  folderJobSpec,
  folderWorks,
  removeFolder,
  shipToFolder,
  type RemoteFolder,
} from './jobs-remote-folder';
import { targetFailure, type TargetEngine } from './target-engines';
import { inspectImage } from './docker-status';
import { AppError } from '../../shared/errors';
import { launchContext, type JobPlace } from './jobs-engines';
import { launchElsewhere, planElsewhere } from './jobs-elsewhere';
import type { JobHandle } from './jobs-handle';

export type GpuRelease = (note: (text: string) => void) => Promise<void>;

export interface LaunchContext {
  /** The engine the job runs on: this machine's, or a target's. */
  docker: Docker;
  /** The target's name when the engine is another machine's (its workspace is sent, not mounted). */
  target?: string | undefined;
  /** OpenSSH's arguments for that machine: the workspace then goes to a folder there (jobs-remote-folder.ts). */
  ssh?: SshCommand | undefined;
  user: string;
  homeHash: string;
  /** The data folder's shared Hugging Face cache, mounted read-write. */
  hfCache: string;
  gpuMemory: GpuMemoryGuard | undefined;
}

/** One run of a job, from now. */
export function jobAttempt(
  homeHash: string,
  placement: JobPlacement,
  jobId: string,
  gpu: boolean,
  timeoutSeconds: number,
): WatchedJob {
  return {
    jobId,
    runId: placement.runId,
    containerName: jobContainerName(homeHash, jobId),
    workspaceFolder: placement.workspaceFolder,
    gpu,
    startedAt: Date.now(),
    timeoutSeconds,
  };
}

/**
 * Prepares the job's files, frees the GPU when asked and starts the container; undoes it all on failure
 * (a resumed job keeps the log and outputs of its earlier runs).
 */
export async function launchJob(
  context: LaunchContext,
  job: WatchedJob,
  placement: JobPlacement,
  request: JobRequest,
  { image: { image, searchPath }, plan }: { image: JobImage; plan: JobPlan },
  checkpoint?: Checkpoint,
): Promise<GpuRelease | undefined> {
  const files = jobFiles(job.workspaceFolder, job.jobId);
  await prepareJobFolders(job.workspaceFolder, context.user);
  await prepareHfCache(context.hfCache, context.user);
  await snapshotOutputs(job.workspaceFolder, files);
  const note = (text: string) => appendNote(files, text);
  const logLines = checkpoint === undefined ? 0 : await countLoggedLines(files);
  if (checkpoint !== undefined) note(`resuming from ${checkpoint.path} (${RESUME_ENV}=/workspace/${checkpoint.path})`);
  const giveBack = request.gpu ? await context.gpuMemory?.acquire(note, undefined, request.gpuMemoryBytes) : undefined;
  const engine = await engineProfile(context.docker);
  const spec = jobContainerSpec({
    ...job,
    ...request,
    timeoutSeconds: job.timeoutSeconds,
    callId: request.callId,
    image,
    searchPath,
    homeHash: context.homeHash,
    limits: plan.limits,
    shmBytes: plan.shmBytes,
    hfCache: context.hfCache,
    network: placement.network ?? 'none',
    user: context.user,
    engine,
    ollamaModels: request.gpu ? context.gpuMemory?.unloaded?.() : undefined,
  });
  const { target } = context;
  try {
    const resumed = checkpoint === undefined ? spec : resumedSpec(spec, checkpoint, logLines);
    const made = { spec: resumed, image, gpu: request.gpu, workspaceFolder: job.workspaceFolder, note };
    if (target === undefined) await createJobContainer(context.docker, resumed, image, request.gpu, note);
    else if (folderWorks(context.ssh, engine)) {
      const folder = await shipToFolder(context.ssh, job.workspaceFolder, job.containerName);
      await createInFolder({ ...context, target }, made, folder, engine);
    } else await createInVolume({ ...context, target }, made);
    return giveBack;
  } catch (error) {
    await giveBack?.(() => undefined);
    if (checkpoint === undefined) {
      await rm(files.log, { force: true });
      await rm(files.outputsSnapshot, { force: true });
    }
    throw error;
  }
}

/**
 * The job's image (the CUDA build for a GPU job) and what it may use: the request's, the run's spec's,
 * settings.json's, then the machine's share (jobs-resources.ts).
 */
export async function planJob(
  options: Pick<JobServiceOptions, 'sandbox' | 'jobResources'>,
  placement: JobPlacement,
  request: Pick<JobRequest, 'gpu' | 'resources' | 'timeoutSeconds'>,
  limits: SandboxLimits,
  engine?: TargetEngine,
): Promise<{ image: JobImage; plan: JobPlan }> {
  const target = engine?.target;
  if (target === undefined) await options.sandbox.check();
  const docker = engine?.docker ?? options.sandbox.docker;
  if (target !== undefined) await docker.ping().catch((error: unknown) => Promise.reject(targetFailure(target, error)));
  try {
    const source =
      target === undefined
        ? options.sandbox
        : {
            ...options.sandbox,
            docker,
            imagePicked: target.image !== undefined,
            image: target.image ?? options.sandbox.image,
          };
    const image = await jobImage(source, request.gpu);
    if (target !== undefined && (await inspectImage(docker, image.image)) === undefined)
      throw new AppError(
        'unavailable',
        `Target ${target.name} does not have the image ${image.image} its jobs run in.`,
        `Copy it there once: docker save ${image.image} | ssh ${target.host.replace(/^ssh:\/\//, '')} docker load (or name another image with "image" in the target).`,
      );
    const given = { ...request.resources, timeoutSeconds: request.timeoutSeconds };
    const plan = await jobPlan(docker, [given, placement.jobs, options.jobResources?.()], limits);
    return { image, plan };
  } catch (error) {
    if (target === undefined || error instanceof AppError) throw error;
    throw targetFailure(target, error);
  }
}

/** What starting a job anywhere takes of the job service. */
export interface LaunchOnContext {
  options: JobServiceOptions;
  limits: SandboxLimits;
  user: string;
  homeHash: string;
}

export interface Launched {
  job: WatchedJob;
  memoryBytes: number;
  /** Gives the GPU back (models reloaded) once the job ends: a job on this machine's GPU. */
  giveBack?: GpuRelease | undefined;
  /** The job's handle, when its backend made one (a scheduler's job). */
  handle?: JobHandle | undefined;
}

/** Starts one run of a job where it goes: a container on a Docker engine, or through a scheduler's backend. */
export async function launchOn(
  context: LaunchOnContext,
  place: JobPlace,
  placement: JobPlacement,
  request: JobRequest,
  jobId: string,
  checkpoint?: Checkpoint,
): Promise<Launched> {
  const { options, homeHash, user } = context;
  if (place.backend !== undefined) {
    const plan = planElsewhere(options, placement, request, context.limits);
    const job = jobAttempt(homeHash, placement, jobId, request.gpu, plan.timeoutSeconds);
    const handle = await launchElsewhere(place.backend, job, request, { user, plan, checkpoint });
    return { job, handle, memoryBytes: plan.limits.memoryBytes };
  }
  const { plan, image } = await planJob(options, placement, request, context.limits, place.engine);
  const job = jobAttempt(homeHash, placement, jobId, request.gpu, plan.timeoutSeconds);
  const { sandbox, gpuMemory } = options;
  const launching = launchContext(place.engine, { user, homeHash, hfCache: sandbox.hfCache, gpuMemory });
  const giveBack = await launchJob(launching, job, placement, request, { image, plan }, checkpoint);
  return { job, giveBack, memoryBytes: plan.limits.memoryBytes };
}

/** A job container to make on another machine's engine: its spec and what it needs there. */
export interface TargetContainer {
  spec: Docker.ContainerCreateOptions;
  image: string;
  gpu: boolean;
  workspaceFolder: string;
  note: (text: string) => void;
}

type TargetContext = Pick<LaunchContext, 'docker' | 'ssh'> & { target: string };

/**
 * The job's container on another machine, its workspace in a folder there (sent already). An engine that
 * cannot see that folder (one that runs in a VM of its own, or is confined, as Docker's snap package is
 * from hidden folders) refuses the bind mount: the workspace then goes into a Docker volume instead.
 */
export async function createInFolder(
  context: TargetContext,
  made: TargetContainer,
  folder: RemoteFolder,
  engine: EngineProfile,
): Promise<void> {
  try {
    const spec = folderJobSpec(made.spec, context.target, folder, engine);
    return await createJobContainer(context.docker, spec, made.image, made.gpu, made.note);
  } catch (error) {
    if (context.ssh !== undefined) await removeFolder(context.ssh, folder.dir).catch(() => undefined);
    if (!engineCannotSee(error)) throw error;
    const why = error instanceof Error ? error.message.replace(/^Docker failed: /, '') : String(error);
    made.note(
      `the Docker engine on ${context.target} cannot see ${folder.dir} (${why}): the workspace goes into a Docker volume instead`,
    );
  }
  await createInVolume(context, made);
}

/** The job's container on another machine, its workspace sent into a volume of its own there. */
async function createInVolume(context: TargetContext, made: TargetContainer): Promise<void> {
  const ship = (container: Docker.Container) => shipWorkspace(container, made.workspaceFolder, made.spec.User);
  const spec = remoteJobSpec(made.spec, context.target);
  try {
    await createJobContainer(context.docker, spec, made.image, made.gpu, made.note, ship);
  } catch (error) {
    await removeJobVolume(context.docker, spec.name ?? '');
    throw error;
  }
}
