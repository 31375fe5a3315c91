// The engine side of jobs: starting a job's container (saying clearly when the engine cannot give it a
// GPU), finding this data folder's job containers again, and reading back from a container's labels and
// mount which job it runs, for a process that did not start it.
import type Docker from 'dockerode';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { EventDraft } from '../../shared/events';
import { WORKSPACE_PATH } from './container-spec';
import { dockerFailure } from './docker-status';
import {
  commandOf,
  LABEL_JOB_CALL,
  LABEL_JOB_GPU,
  LABEL_JOB_HOME,
  LABEL_JOB_OLLAMA,
  LABEL_JOB_RUN,
  LABEL_JOB_STARTED,
  LABEL_JOB_TIMEOUT,
  LABEL_JOB_WORKSPACE,
} from './jobs-spec';
import type { WatchedJob } from './jobs-watch';

export const jobInspectSchema = z.object({
  Id: z.string(),
  State: z.object({
    Running: z.boolean(),
    OOMKilled: z.boolean().catch(false),
    ExitCode: z.number().catch(0),
    FinishedAt: z.string().catch(''),
  }),
  Config: z.object({
    Labels: z.record(z.string(), z.string()).nullable().catch(null),
    Cmd: z.array(z.string()).nullable().catch(null),
  }),
  Mounts: z.array(z.object({ Source: z.string(), Destination: z.string() })).catch([]),
  HostConfig: z.object({ Memory: z.number().catch(0) }).catch({ Memory: 0 }),
});
export type JobContainerInfo = z.infer<typeof jobInspectSchema>;

const listSchema = z.array(z.object({ Id: z.string(), Labels: z.record(z.string(), z.string()).nullable() }));

export const statusCode = (error: unknown): number | undefined =>
  z.object({ statusCode: z.number() }).safeParse(error).data?.statusCode;

/**
 * Creates and starts the job's container. An engine that may not raise the memlock limit (rootless
 * Docker, or one itself in a container) refuses to start it: then it is made again with the limit the
 * engine gives, and the job's log says so.
 */
export async function createJobContainer(
  docker: Docker,
  spec: Docker.ContainerCreateOptions,
  image: string,
  gpu: boolean,
  note: (text: string) => void = () => undefined,
  /** Done to the created container before it starts (a remote job's workspace sent into it). */
  beforeStart?: (container: Docker.Container) => Promise<void>,
): Promise<void> {
  try {
    await createAndStart(docker, spec, image, gpu, beforeStart);
  } catch (error) {
    if (!(error instanceof RlimitRefused)) throw error;
    const ulimits = spec.HostConfig?.Ulimits ?? [];
    const kept = ulimits.filter((limit) => limit.Name !== 'memlock');
    if (kept.length === ulimits.length) throw error.failure;
    note('the Docker engine may not raise the memlock limit: pinned memory stays within the engine’s own limit');
    try {
      await createAndStart(
        docker,
        { ...spec, HostConfig: { ...spec.HostConfig, Ulimits: kept } },
        image,
        gpu,
        beforeStart,
      );
    } catch (again) {
      throw again instanceof RlimitRefused ? again.failure : again;
    }
  }
}

class RlimitRefused extends Error {
  constructor(readonly failure: AppError) {
    super(failure.message);
  }
}

async function createAndStart(
  docker: Docker,
  spec: Docker.ContainerCreateOptions,
  image: string,
  gpu: boolean,
  beforeStart?: (container: Docker.Container) => Promise<void>,
) {
  let container: Docker.Container;
  try {
    container = await docker.createContainer(spec);
  } catch (error) {
    throw dockerFailure(error, docker, image);
  }
  try {
    await beforeStart?.(container);
    await container.start();
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    const failure = dockerFailure(error, docker, image);
    if (/setting rlimit/i.test(failure.message)) throw new RlimitRefused(failure);
    if (gpu && /device driver|nvidia|gpu/i.test(failure.message)) throw noGpuSupport(failure.message);
    throw failure;
  }
}

function noGpuSupport(engineMessage: string): AppError {
  const reason = engineMessage.replace(/^Docker failed: /, '');
  return new AppError(
    'unavailable',
    `This job asked for the GPU, but the Docker engine here has no NVIDIA GPU support (${reason}).`,
    'Install the NVIDIA driver and the NVIDIA Container Toolkit and restart Docker (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), or start the job without gpu.',
  );
}

export async function listJobContainers(docker: Docker, homeHash: string): Promise<z.infer<typeof listSchema>> {
  const filters = { label: [`${LABEL_JOB_HOME}=${homeHash}`] };
  try {
    return listSchema.parse(await docker.listContainers({ all: true, filters }));
  } catch (error) {
    throw dockerFailure(error, docker);
  }
}

export async function inspectJobContainer(docker: Docker, id: string): Promise<JobContainerInfo | undefined> {
  try {
    return jobInspectSchema.parse(await docker.getContainer(id).inspect());
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw dockerFailure(error, docker);
  }
}

export async function removeJobContainer(docker: Docker, id: string): Promise<void> {
  await docker
    .getContainer(id)
    .remove({ force: true, v: true })
    .catch(() => undefined);
}

/** The job a container runs, from its labels and its workspace mount; undefined when they make no sense. */
export function watchedJob(info: JobContainerInfo, jobId: string): WatchedJob | undefined {
  const labels = info.Config.Labels ?? {};
  const runId = labels[LABEL_JOB_RUN];
  const startedAt = Number(labels[LABEL_JOB_STARTED]);
  const timeoutSeconds = Number(labels[LABEL_JOB_TIMEOUT]);
  // The label names the folder as this machine does; a job started before it existed has only its mount.
  const workspace =
    labels[LABEL_JOB_WORKSPACE] ?? info.Mounts.find((mount) => mount.Destination === WORKSPACE_PATH)?.Source;
  if (runId === undefined || workspace === undefined || !Number.isFinite(startedAt) || !(timeoutSeconds > 0))
    return undefined;
  return {
    jobId,
    runId,
    containerName: info.Id,
    workspaceFolder: workspace,
    gpu: labels[LABEL_JOB_GPU] === 'true',
    startedAt,
    timeoutSeconds,
  };
}

/** For a GPU job: the local Ollama's models unloaded for it, from its label (none for a job without one). */
export function unloadedFor(info: JobContainerInfo): string[] | undefined {
  const models = info.Config.Labels?.[LABEL_JOB_OLLAMA];
  return models?.split(',').filter((name) => name !== '');
}

/** The job.started a job found running needs when its start was never recorded (the app died at once). */
export function startedFromContainer(job: WatchedJob, info: JobContainerInfo): EventDraft {
  const callId = info.Config.Labels?.[LABEL_JOB_CALL];
  const command = commandOf(info.Config.Cmd);
  return {
    type: 'job.started',
    payload: { jobId: job.jobId, callId, command, gpu: job.gpu, timeoutSeconds: job.timeoutSeconds },
  };
}
