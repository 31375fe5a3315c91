// A run's sandbox container and the agent inside it. Created on first use and reused for the run; when the
// agent dies (killed by a command, the container stopped or ran out of memory) the next call starts the
// container again if needed and a new agent, so the run keeps working.
import { chown, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { AgentConnection } from './agent-connection';
import { AgentGone } from './agent-protocol';
import {
  containerName,
  containerSpec,
  LABEL_HOME,
  LABEL_RUN,
  relayWait,
  type ContainerSpecInput,
} from './container-spec';
import { DiskGuard, freeBytes } from './disk-guard';
import { dockerFailure, imageSearchPath } from './docker-status';
import { prepareHfCache } from './sandbox-env';
import { diskReserveMessage } from './workspace-messages';
import { engineProfile } from './engine-profile';

const inspectSchema = z.object({
  Id: z.string(),
  State: z.object({ Running: z.boolean(), OOMKilled: z.boolean().catch(false), ExitCode: z.number().catch(0) }),
  Config: z.object({ Labels: z.record(z.string(), z.string()).nullable().catch(null) }),
});

type ContainerInfo = z.infer<typeof inspectSchema>;

const statusCode = (error: unknown): number | undefined =>
  z.object({ statusCode: z.number() }).safeParse(error).data?.statusCode;

export class SandboxContainer {
  private connection: AgentConnection | undefined;
  private starting: Promise<AgentConnection> | undefined;
  private readonly diskGuard: DiskGuard;
  /** Set when the disk guard stopped the container, until the loss is described. */
  private stoppedForDisk: number | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly spec: Omit<ContainerSpecInput, 'image'>,
    /** The image to create the container from, checked when it is created. */
    private readonly chooseImage: () => Promise<string>,
  ) {
    this.diskGuard = new DiskGuard(spec.workspaceFolder, spec.limits.diskReserveBytes, (free) =>
      this.stopForDisk(free),
    );
  }

  get memoryLimitBytes(): number {
    return this.spec.limits.memoryBytes;
  }

  get name(): string {
    return containerName(this.spec.homeHash, this.spec.runId);
  }

  /** A live agent, starting the container and the agent when needed. */
  async agent(): Promise<AgentConnection> {
    if (this.connection?.alive) return this.connection;
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<AgentConnection> {
    const container = await this.ensureRunning();
    try {
      this.connection = await AgentConnection.open(this.docker, container);
    } catch (error) {
      if (error instanceof AgentGone)
        throw new AppError(
          'unavailable',
          `The sandbox agent could not start in container ${this.name}: ${error.message}`,
          'The image needs python3 and bash; rebuild it with `looplab sandbox build`.',
        );
      throw dockerFailure(error, this.docker);
    }
    if (typeof this.spec.network === 'object') await relayListening(this.connection);
    this.stoppedForDisk = undefined;
    this.diskGuard.start();
    return this.connection;
  }

  private stopForDisk(free: number): void {
    this.stoppedForDisk = free;
    this.docker
      .getContainer(this.name)
      .kill()
      .catch(() => undefined);
  }

  /** Throws a message for the model when writing `bytes` would take the workspace's disk below its reserve. */
  async checkRoom(bytes: number): Promise<void> {
    const free = await freeBytes(this.spec.workspaceFolder).catch(() => Infinity);
    const reserve = this.spec.limits.diskReserveBytes;
    if (free - bytes < reserve) throw new AppError('unavailable', `Not written: ${diskReserveMessage(free, reserve)}.`);
  }

  private async ensureRunning(): Promise<Docker.Container> {
    const container = this.docker.getContainer(this.name);
    const info = await this.inspect();
    if (info === undefined) return this.create();
    this.checkOwnership(info);
    if (!info.State.Running) await this.call(() => container.start());
    return container;
  }

  private async create(): Promise<Docker.Container> {
    const image = await this.chooseImage();
    await prepareWorkspaceFolder(this.spec.workspaceFolder, this.spec.user);
    if (this.spec.hfCache !== undefined) await prepareHfCache(this.spec.hfCache, this.spec.user);
    try {
      const engine = await engineProfile(this.docker);
      const searchPath = await imageSearchPath(this.docker, image);
      const container = await this.docker.createContainer(containerSpec({ ...this.spec, image, engine, searchPath }));
      await container.start();
      return container;
    } catch (error) {
      if (statusCode(error) !== 409) throw dockerFailure(error, this.docker, image);
      // Another call created it first (or a previous app left it): use it if it is this run's.
      return this.ensureRunning();
    }
  }

  private checkOwnership(info: ContainerInfo): void {
    const labels = info.Config.Labels ?? {};
    if (labels[LABEL_RUN] === this.spec.runId && labels[LABEL_HOME] === this.spec.homeHash) return;
    throw new AppError(
      'conflict',
      `A container named ${this.name} exists but does not belong to this run.`,
      `Remove it with \`docker rm -f ${this.name}\`.`,
    );
  }

  async inspect(): Promise<ContainerInfo | undefined> {
    try {
      return inspectSchema.parse(await this.docker.getContainer(this.name).inspect());
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw dockerFailure(error, this.docker);
    }
  }

  /** Why the agent went away, in words for the model and the person. */
  async describeLoss(): Promise<string> {
    if (this.stoppedForDisk !== undefined) {
      const free = this.stoppedForDisk;
      this.stoppedForDisk = undefined;
      return `it was stopped because ${diskReserveMessage(free, this.spec.limits.diskReserveBytes)}`;
    }
    let info = await this.inspect().catch(() => undefined);
    // A container whose init just died is still reported running for a moment.
    for (let tries = 0; info?.State.Running === true && tries < 10; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      info = await this.inspect().catch(() => undefined);
    }
    if (info === undefined) return 'the sandbox container was removed';
    // OOMKilled stays set after any process in it was killed for memory; only exit 137 ties it to this stop.
    if (!info.State.Running && info.State.OOMKilled && info.State.ExitCode === 137)
      return 'the sandbox ran out of memory and stopped';
    if (!info.State.Running) return `the sandbox container stopped (exit code ${info.State.ExitCode})`;
    return 'the sandbox’s command runner was killed, perhaps by the command itself or for lack of memory';
  }

  /** Stops everything running in the container and starts it again; /workspace is kept, /tmp is not. */
  async restart(): Promise<void> {
    this.detach();
    await this.call(() => this.docker.getContainer(this.name).restart({ t: 0 }));
  }

  /** Lets go of the agent, leaving the container as it is (for another process to reattach). */
  detach(): void {
    this.diskGuard.stop();
    this.connection?.close();
    this.connection = undefined;
  }

  /** Removes the container and everything that runs in it. */
  async remove(): Promise<void> {
    this.detach();
    try {
      await this.docker.getContainer(this.name).remove({ force: true, v: true });
    } catch (error) {
      // 404: already gone; 409: a removal is already under way.
      const code = statusCode(error);
      if (code !== 404 && code !== 409) throw dockerFailure(error, this.docker);
    }
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw dockerFailure(error, this.docker);
    }
  }
}

/**
 * The folder must exist before Docker binds it (or Docker creates it as root). When Looplab itself runs as
 * root the sandbox user is 1000:1000, so the run's own folder is handed to that user.
 */
async function prepareWorkspaceFolder(folder: string, user: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const [uid, gid] = user.split(':').map(Number) as [number, number];
  const info = await lstat(folder);
  if (info.uid === uid && info.gid === gid) return;
  await chownTree(folder, uid, gid);
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  const info = await lstat(path);
  if (!info.isSymbolicLink()) await chown(path, uid, gid);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), uid, gid);
}

/**
 * With an allow-list, the first command waits until the relay to the egress proxy listens (the container's
 * main process, started with it): a command that connected first would find nothing there and fail.
 */
async function relayListening(connection: AgentConnection): Promise<void> {
  await connection
    .exec(relayWait(5), { timeoutMs: 10_000, signal: new AbortController().signal, onOutput: () => undefined })
    .catch(() => undefined);
}
