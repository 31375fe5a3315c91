// Which engine a job runs on, by its target's name, and what a remote engine's job needs of its watcher:
// its outputs brought back, its volume removed, and, when the link to that machine was cut, a watcher
// started again once it answers.
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { jobCost, LOCAL_TARGET } from '../../shared/targets';
import type { SandboxNetwork } from './container-spec';
import { dockerFailure } from './docker-status';
import { statusCode } from './jobs-containers';
import { fetchOutputs, removeJobVolume } from './jobs-remote';
import type { GpuRelease, LaunchContext } from './jobs-launch';
import type { JobServiceOptions } from './jobs-types';
import type { WatchDeps, WatchedJob } from './jobs-watch';
import type { TargetEngine, TargetEngines } from './target-engines';

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
export function watchLink(engine: TargetEngine, onLost: () => void): () => void {
  if (engine.target === undefined) return () => undefined;
  let answered = Date.now();
  let asking = false;
  const every = setInterval(() => {
    if (asking) return;
    asking = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), PING_MS)));
    Promise.race([engine.docker.ping(), late])
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

export class JobEngines {
  constructor(
    private readonly local: Docker,
    private readonly targets: Pick<TargetEngines, 'get' | 'remotes'> | undefined,
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
    if (typeof network === 'object')
      throw new AppError(
        'invalid_input',
        `A job on target ${name} cannot have the run's network allow-list: its proxy is on this machine.`,
        'Run the job here, or give the run no network (or the full network) for jobs on that target.',
      );
    return engine;
  }

  /** This machine's engine, then every target's that can be made. */
  all(): TargetEngine[] {
    return [{ name: LOCAL_TARGET, docker: this.local }, ...(this.targets?.remotes() ?? [])];
  }
}

/** What the watcher of a job on a remote engine does at its end. */
export function remoteWatch(
  engine: TargetEngine,
  job: { workspaceFolder: string; gpu: boolean },
  containerName: string,
): WatchDeps['remote'] {
  const { target } = engine;
  if (target === undefined) return undefined;
  const { workspaceFolder } = job;
  return {
    cost: (ms) => jobCost(target, job.gpu, ms),
    fetchOutputs: (container) => fetchOutputs(container, workspaceFolder, engine.ssh),
    afterRemove: () => removeJobVolume(engine.docker, containerName),
  };
}

/** How a job starts on an engine: a remote one gets the workspace sent, and leaves this machine's GPU be. */
export function launchContext(engine: TargetEngine, base: Omit<LaunchContext, 'docker' | 'target'>): LaunchContext {
  const remote = engine.target !== undefined;
  return {
    ...base,
    docker: engine.docker,
    target: remote ? engine.name : undefined,
    gpuMemory: remote ? undefined : base.gpuMemory,
  };
}

/** What a job's watcher is given: its engine, its run's log, its limits and what its end gives back. */
export function jobWatchDeps(
  options: Pick<JobServiceOptions, 'log' | 'onLog' | 'snapshots'>,
  job: WatchedJob,
  engine: TargetEngine,
  given: Pick<WatchDeps, 'memoryLimitBytes' | 'diskReserveBytes' | 'supervise'> & {
    containerName: string;
    giveBack: GpuRelease | undefined;
  },
): WatchDeps {
  const { jobId, runId, workspaceFolder } = job;
  return {
    supervise: given.supervise,
    docker: engine.docker,
    remote: remoteWatch(engine, job, given.containerName),
    log: options.log,
    memoryLimitBytes: given.memoryLimitBytes,
    diskReserveBytes: given.diskReserveBytes,
    onLog: options.onLog,
    onEnd: async (note) => given.giveBack?.(note),
    beforeFinish: async () => {
      const payload = await options.snapshots?.capture(runId, workspaceFolder, { jobId });
      return payload === undefined ? [] : [{ type: 'workspace.snapshot', payload }];
    },
  };
}

/** Stops a job another process watches (which records its end); one whose container is gone is recorded. */
export async function stopUnwatched(
  engine: TargetEngine,
  containerName: string,
  recordGone: () => void,
): Promise<void> {
  try {
    await engine.docker.getContainer(containerName).stop({ t: 5 });
  } catch (error) {
    if (statusCode(error) !== 404) throw dockerFailure(error, engine.docker);
    recordGone();
  }
}
