// Where a job runs, by its target's name: a Docker engine (this machine's or another's) or a scheduler's
// backend (Slurm, Kubernetes); the job's handle there; what its watcher is given; and, when the link to
// that machine was cut, a watcher started again once it answers.
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { jobCost, LOCAL_TARGET, type Target } from '../../shared/targets';
import type { SandboxNetwork } from './container-spec';
import { dockerFailure } from './docker-status';
import { statusCode } from './jobs-containers';
import { DockerJobHandle } from './jobs-docker-handle';
import type { JobBackend, JobHandle } from './jobs-handle';
import type { GpuRelease, LaunchContext } from './jobs-launch';
import type { JobServiceOptions } from './jobs-types';
import type { WatchDeps, WatchedJob } from './jobs-watch';
import type { TargetEngine, TargetEngines } from './target-engines';

/** Where a job runs, as its watcher needs it: a Docker engine, or a scheduler target's backend. */
export type JobPlace = { engine: TargetEngine; backend?: undefined } | { backend: JobBackend; engine?: undefined };

export function placeName(place: JobPlace): string {
  return place.backend?.name ?? place.engine?.name ?? LOCAL_TARGET;
}

/** The target a place is, when it is not this machine's engine. */
export function placeTarget(place: JobPlace): Target | undefined {
  return place.backend?.target ?? place.engine?.target;
}

/** The job's handle where it runs. */
export function jobHandle(place: JobPlace, job: WatchedJob, containerName: string): JobHandle {
  if (place.backend !== undefined) return place.backend.handle(job);
  const { engine } = place;
  const { workspaceFolder } = job;
  const remote = engine.target === undefined ? undefined : { workspaceFolder, ssh: engine.ssh, name: containerName };
  return new DockerJobHandle(engine.docker, job.containerName, remote);
}

/** How often a job whose link was cut is looked for again. */
export const RELINK_MS = 3_000;
/** How often a remote job's engine is asked whether it still answers, and how long it may not. */
const PING_MS = 5_000;
const SILENT_MS = 20_000;

/**
 * Asks a remote engine every few seconds whether it answers. A short cut only stalls the job's output,
 * which then comes on; past SILENT_MS the link counts as lost (its streams may never end by themselves:
 * a dead TCP connection waits minutes to close) and `onLost` lets the watcher go.
 */
export function watchLink(place: JobPlace, onLost: () => void): () => void {
  if (placeTarget(place) === undefined) return () => undefined;
  const ping = place.backend === undefined ? () => place.engine.docker.ping() : () => place.backend.ping();
  let answered = Date.now();
  let asking = false;
  const every = setInterval(() => {
    if (asking) return;
    asking = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), PING_MS)));
    Promise.race([ping(), late])
      .then(() => (answered = Date.now()))
      .catch(() => {
        if (Date.now() - answered > SILENT_MS) onLost();
      })
      .finally(() => {
        clearTimeout(timer);
        asking = false;
      });
  }, PING_MS);
  every.unref();
  return () => clearInterval(every);
}

function allowListElsewhere(name: string): AppError {
  return new AppError(
    'invalid_input',
    `A job on target ${name} cannot have the run's network allow-list: its proxy is on this machine.`,
    'Run the job here, or give the run no network (or the full network) for jobs on that target.',
  );
}

export class JobEngines {
  constructor(
    private readonly local: Docker,
    private readonly targets: Pick<TargetEngines, 'get' | 'remotes' | 'backend' | 'allBackends'> | undefined,
  ) {}

  /** The engine of a target; a remote one refuses a network allow-list (its proxy is a socket here). */
  named(name: string | undefined, network?: SandboxNetwork): TargetEngine {
    if (name === undefined || name === LOCAL_TARGET) return { name: LOCAL_TARGET, docker: this.local };
    if (this.targets === undefined)
      throw new AppError(
        'not_found',
        `There is no target named ${name}.`,
        'Targets are set in settings.json ("targets").',
      );
    const engine = this.targets.get(name);
    if (typeof network === 'object') throw allowListElsewhere(name);
    return engine;
  }

  /** Where a job on that target runs: a scheduler's backend, else a Docker engine (see `named`). */
  place(name: string | undefined, network?: SandboxNetwork): JobPlace {
    const backend = this.targets?.backend(name);
    if (backend === undefined) return { engine: this.named(name, network) };
    if (typeof network === 'object') throw allowListElsewhere(backend.name);
    return { backend };
  }

  /** This machine's engine, then every target's that can be made. */
  all(): JobPlace[] {
    return [
      { engine: { name: LOCAL_TARGET, docker: this.local } },
      ...(this.targets?.remotes() ?? []).map((engine) => ({ engine })),
      ...(this.targets?.allBackends() ?? []).map((backend) => ({ backend })),
    ];
  }
}

/** How a job starts on an engine: a remote one gets the workspace sent, and leaves this machine's GPU be. */
export function launchContext(
  engine: TargetEngine,
  base: Omit<LaunchContext, 'docker' | 'target' | 'ssh'>,
): LaunchContext {
  const remote = engine.target !== undefined;
  return {
    ...base,
    docker: engine.docker,
    target: remote ? engine.name : undefined,
    ssh: remote ? engine.ssh : undefined,
    gpuMemory: remote ? undefined : base.gpuMemory,
  };
}

/** What a job's watcher is given: its handle, its run's log, its limits and what its end gives back. */
export function jobWatchDeps(
  options: Pick<JobServiceOptions, 'log' | 'onLog' | 'snapshots'>,
  job: WatchedJob,
  place: JobPlace,
  started: JobHandle | undefined,
  given: Pick<WatchDeps, 'memoryLimitBytes' | 'diskReserveBytes' | 'supervise'> & {
    giveBack: GpuRelease | undefined;
    /** The name the job's container was given (its id stands in `job` after a restart). */
    containerName: string;
  },
): WatchDeps {
  const { runId, workspaceFolder, jobId } = job;
  const target = placeTarget(place);
  const handle = started ?? jobHandle(place, job, given.containerName);
  // GPU use is sampled on this machine: a job elsewhere uses none of its GPUs.
  const supervise = given.supervise && (handle.local ? given.supervise : { ...given.supervise, gpu: undefined });
  return {
    supervise,
    handle,
    log: options.log,
    memoryLimitBytes: given.memoryLimitBytes,
    diskReserveBytes: given.diskReserveBytes,
    onLog: options.onLog,
    cost: target === undefined ? undefined : (ms) => jobCost(target, job.gpu, ms),
    onEnd: async (note) => given.giveBack?.(note),
    beforeFinish: async () => {
      const payload = await options.snapshots?.capture(runId, workspaceFolder, { jobId });
      return payload === undefined ? [] : [{ type: 'workspace.snapshot', payload }];
    },
  };
}

/**
 * Stops a job another process watches (which records its end); one whose container is gone is recorded.
 * A scheduler's job is cancelled there; its watcher records the end.
 */
export async function stopUnwatched(place: JobPlace, job: WatchedJob, recordGone: () => void): Promise<void> {
  if (place.backend !== undefined) return place.backend.handle(job).stop(5);
  const { engine } = place;
  try {
    await engine.docker.getContainer(job.containerName).stop({ t: 5 });
  } catch (error) {
    if (statusCode(error) !== 404) throw dockerFailure(error, engine.docker);
    recordGone();
  }
}
