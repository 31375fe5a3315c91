// Which engine a job runs on, by its target's name, and what a remote engine's job needs of its watcher:
// its outputs brought back, its volume removed, and, when the link to that machine was cut, a watcher
// started again once it answers.
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { LOCAL_TARGET } from '../../shared/targets';
import type { SandboxNetwork } from './container-spec';
import { fetchOutputs, removeJobVolume } from './jobs-remote';
import type { WatchDeps } from './jobs-watch';
import type { TargetEngine, TargetEngines } from './target-engines';

/** How often a job whose link was cut is looked for again. */
export const RELINK_MS = 3_000;

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
export function remoteWatch(engine: TargetEngine, workspaceFolder: string, containerName: string): WatchDeps['remote'] {
  if (engine.target === undefined) return undefined;
  return {
    fetchOutputs: (container) => fetchOutputs(container, workspaceFolder),
    afterRemove: () => removeJobVolume(engine.docker, containerName),
  };
}
