// One sandbox container per run, for one data folder. Hands out each run's DockerWorkspace, finds the
// containers a previous process left (by label) and keeps those of live runs while removing the rest, and
// removes a run's container when the run ends, so nothing is left behind.
import Docker from 'dockerode';
import { dockerConnection } from './docker-socket';
import { z } from 'zod';
import { SandboxContainer } from './container';
import {
  BASE_IMAGE,
  DEFAULT_LIMITS,
  defaultImage,
  homeHash,
  LABEL_HOME,
  LABEL_RUN,
  sandboxUser,
  type SandboxLimits,
  type SandboxNetwork,
} from './container-spec';
import { checkDocker, dockerFailure, imageMissing, inspectImage } from './docker-status';
import { DockerWorkspace } from './docker-workspace';
import { hfCacheFolder } from './sandbox-env';
import { defaultCudaImage } from './jobs-image';

export interface SandboxManagerOptions {
  /** The data folder; its hash labels the containers so two homes never touch each other's. */
  home: string;
  docker?: Docker;
  /** Default: looplab-sandbox:<app version>, built by `looplab sandbox build`. */
  image?: string;
  /** Use looplab-base:bookworm (python3 only) when the image is missing, instead of failing. */
  fallbackToBase?: boolean;
  /** Overrides of the built-in limits; a function is asked each time a container is made. */
  limits?: Partial<SandboxLimits> | (() => Partial<SandboxLimits>);
  /** uid:gid inside the container; default the host user's, or 1000:1000 when that is root. */
  user?: string;
  /** The image GPU jobs run; default: looplab-sandbox:<app version>-cuda, built by `looplab sandbox build --cuda`. */
  cudaImage?: string;
}

export interface RunSandboxOptions {
  /** The run's workspace folder on this machine: the only host path the container sees, at /workspace. */
  workspaceFolder: string;
  /** `none` unless the run's rules grant the network. */
  network?: SandboxNetwork;
  /**
   * The run will use the GPU: its commands run in the CUDA image (when it is built), the one its GPU jobs
   * run in, so what the agent tries and installs is what its jobs find.
   */
  gpu?: boolean;
}

const containerListSchema = z.array(
  z.object({ Id: z.string(), Labels: z.record(z.string(), z.string()).nullable().catch(null) }),
);

export interface ReattachResult {
  reattached: string[];
  removed: string[];
}

export class SandboxManager {
  readonly docker: Docker;
  /** The data folder: the one place the engine is known to reach (the workspaces live there). */
  readonly home: string;
  readonly homeHash: string;
  readonly image: string;
  readonly cudaImage: string;
  /** Whether the image was picked (LOOPLAB_SANDBOX_IMAGE) rather than left to the version's default. */
  readonly imagePicked: boolean;
  private readonly containers = new Map<string, SandboxContainer>();
  /** uid:gid inside the containers. */
  readonly user: string;
  /** The data folder's Hugging Face cache, shared by its runs' commands and jobs. */
  readonly hfCache: string;

  constructor(private readonly options: SandboxManagerOptions) {
    this.docker = options.docker ?? new Docker(dockerConnection());
    this.home = options.home;
    this.homeHash = homeHash(options.home);
    this.image = options.image ?? defaultImage();
    this.imagePicked = options.image !== undefined;
    this.cudaImage = options.cudaImage ?? defaultCudaImage();
    this.user = options.user ?? sandboxUser();
    this.hfCache = hfCacheFolder(options.home);
  }

  private get limits(): SandboxLimits {
    const given = this.options.limits;
    return { ...DEFAULT_LIMITS, ...(typeof given === 'function' ? given() : given) };
  }

  /** Throws an AppError saying what to do when the engine does not answer or the image is missing. */
  async check(): Promise<void> {
    await checkDocker(this.docker);
    await this.chooseImage();
  }

  /** The run's workspace; its container is created (or found again) on the first call. */
  workspace(runId: string, options: RunSandboxOptions): DockerWorkspace {
    return new DockerWorkspace(this.container(runId, options));
  }

  private container(runId: string, options: RunSandboxOptions): SandboxContainer {
    const existing = this.containers.get(runId);
    if (existing !== undefined) return existing;
    const spec = {
      runId,
      homeHash: this.homeHash,
      workspaceFolder: options.workspaceFolder,
      limits: this.limits,
      network: options.network ?? 'none',
      user: this.user,
      hfCache: this.hfCache,
    };
    const container = new SandboxContainer(this.docker, spec, () => this.chooseImage(options.gpu === true));
    this.containers.set(runId, container);
    return container;
  }

  private async chooseImage(gpu = false): Promise<string> {
    if (gpu && (await inspectImage(this.docker, this.cudaImage)) !== undefined) return this.cudaImage;
    if ((await inspectImage(this.docker, this.image)) !== undefined) return this.image;
    if (this.options.fallbackToBase === true && (await inspectImage(this.docker, BASE_IMAGE)) !== undefined)
      return BASE_IMAGE;
    throw imageMissing(this.image);
  }

  /**
   * After a restart: keeps the containers of runs that are still live (the next call reattaches to them)
   * and removes every other container of this data folder.
   */
  async reattach(liveRunIds: Iterable<string>): Promise<ReattachResult> {
    const live = new Set(liveRunIds);
    const result: ReattachResult = { reattached: [], removed: [] };
    for (const found of await this.list({ [LABEL_HOME]: this.homeHash })) {
      const runId = found.Labels?.[LABEL_RUN];
      if (runId !== undefined && live.has(runId)) {
        result.reattached.push(runId);
        continue;
      }
      await this.removeById(found.Id);
      if (runId !== undefined) this.containers.delete(runId);
      result.removed.push(runId ?? found.Id);
    }
    return result;
  }

  /** Removes the run's container (and anything left running in it) when the run ends. */
  async release(runId: string): Promise<void> {
    const container = this.containers.get(runId);
    this.containers.delete(runId);
    await container?.remove();
    for (const found of await this.list({ [LABEL_HOME]: this.homeHash, [LABEL_RUN]: runId }))
      await this.removeById(found.Id);
  }

  /** Lets go of every agent and leaves the containers running, for the next process to reattach. */
  disconnect(): void {
    for (const container of this.containers.values()) container.detach();
    this.containers.clear();
  }

  /** The ids of this data folder's containers, optionally only one run's. */
  async containerIds(runId?: string): Promise<string[]> {
    const labels: Record<string, string> = { [LABEL_HOME]: this.homeHash };
    if (runId !== undefined) labels[LABEL_RUN] = runId;
    return (await this.list(labels)).map((found) => found.Id);
  }

  private async list(labels: Record<string, string>): Promise<z.infer<typeof containerListSchema>> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
    try {
      return containerListSchema.parse(await this.docker.listContainers({ all: true, filters }));
    } catch (error) {
      throw dockerFailure(error, this.docker);
    }
  }

  private async removeById(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      const code = z.object({ statusCode: z.number() }).safeParse(error).data?.statusCode;
      if (code !== 404 && code !== 409) throw dockerFailure(error, this.docker);
    }
  }
}
