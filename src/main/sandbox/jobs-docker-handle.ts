// A job in a container of a Docker engine (this machine's or a target's), as its watcher drives it: the
// output demuxed from the engine's log stream (timestamped, so a read after the exit skips what the follow
// delivered), the exit and how it ended from the engine's wait and inspect, and for a target's engine the
// outputs brought back and the job's volume removed.
import { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { catchUpPoint, rememberStamp } from './jobs-catch-up';
import { jobInspectSchema, statusCode } from './jobs-containers';
import type { HandleEnd, JobHandle, OutputSink, OutputStream } from './jobs-handle';
import { fetchOutputs, removeJobVolume, type SshCommand } from './jobs-remote';
import { fetchFromFolder, LABEL_JOB_REMOTE_DIR, removeFolder } from './jobs-remote-folder';

/** A job folder on another machine, as Looplab names them: anything else in the label is not removed. */
const JOB_FOLDER = /\/\.looplab\/jobs\/looplab-job-[0-9a-f]{8}-[A-Za-z0-9_.-]+$/;

/**
 * A target's engine: the job's workspace is a folder of that machine where it is reached over SSH (see
 * jobs-remote-folder.ts), else a volume there; its outputs come back into `workspaceFolder`.
 */
export interface DockerRemote {
  workspaceFolder: string;
  /** The name the job's container was given there (its workspace volume is named after it). */
  name: string;
  ssh?: SshCommand | undefined;
}

export class DockerJobHandle implements JobHandle {
  private readonly container: Docker.Container;
  /** The engine's timestamps of the last frames handled, oldest first. */
  private readonly recentStamps: string[] = [];
  /** Each read of the output has a number; a catch-up replaces the follow, should that still deliver. */
  private passes = 0;
  /** The job's folder on its machine, from its container's label, once inspected. */
  private remoteDir: string | undefined;

  constructor(
    private readonly docker: Docker,
    container: string,
    private readonly remote?: DockerRemote,
  ) {
    this.container = docker.getContainer(container);
  }

  get local(): boolean {
    return this.remote === undefined;
  }

  follow(sink: OutputSink, signal: AbortSignal): Promise<void> {
    return this.read(sink, signal, false);
  }

  catchUp(sink: OutputSink, signal: AbortSignal): Promise<void> {
    return this.read(sink, signal, true);
  }

  /**
   * Reads the output: following it while the job runs, or (`catchUp`) once more after it exited, from a
   * second before the last frame handled, skipping the frames already handled: the engine may end a follow
   * before the last lines it stores (an unterminated last line always).
   */
  private async read(sink: OutputSink, abortSignal: AbortSignal, catchUp: boolean): Promise<void> {
    const pass = ++this.passes;
    const point = catchUp ? catchUpPoint(this.recentStamps) : undefined;
    let skip = point?.skip ?? 0;
    const base = { stdout: true, stderr: true, timestamps: true, abortSignal };
    const since = point === undefined ? {} : { since: point.since };
    const stream = catchUp
      ? Readable.from([await this.container.logs({ ...base, ...since, follow: false })])
      : await this.container.logs({ ...base, follow: true });
    const into = (name: OutputStream) =>
      new Writable({
        write: (frame: Buffer, _encoding, callback) => {
          if (pass !== this.passes) return callback();
          if (skip > 0) skip--;
          else this.frame(frame, name, sink);
          callback();
        },
      });
    this.docker.modem.demuxStream(stream, into('stdout'), into('stderr'));
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve);
    });
  }

  /** One frame of output: a line or part of one, after the engine's timestamp. */
  private frame(frame: Buffer, stream: OutputStream, sink: OutputSink): void {
    const space = frame.indexOf(0x20);
    rememberStamp(this.recentStamps, frame.subarray(0, space).toString('latin1'));
    sink(frame.subarray(space + 1), stream);
  }

  async wait(abortSignal: AbortSignal): Promise<HandleEnd> {
    let waitCode: number | null;
    try {
      const result = await this.container.wait({ abortSignal });
      waitCode = z.object({ StatusCode: z.number() }).parse(result).StatusCode;
    } catch (error) {
      // Gone: something removed the container. Anything else (the engine went away) is the caller's.
      if (statusCode(error) !== 404) throw error;
      return { exitCode: null };
    }
    const info = await this.container
      .inspect()
      .then((raw) => jobInspectSchema.parse(raw))
      .catch(() => undefined);
    const dir = info?.Config.Labels?.[LABEL_JOB_REMOTE_DIR];
    if (dir !== undefined && JOB_FOLDER.test(dir)) this.remoteDir = dir;
    const finishedAt = Date.parse(info?.State.FinishedAt ?? '');
    return {
      exitCode: info?.State.ExitCode ?? waitCode,
      finishedAt: Number.isNaN(finishedAt) ? undefined : finishedAt,
      oomKilled: info?.State.OOMKilled === true,
    };
  }

  async stop(graceSeconds: number): Promise<void> {
    await this.container.stop({ t: graceSeconds });
  }

  async kill(): Promise<void> {
    await this.container.kill();
  }

  /** The job's folder on its machine and the way there, when its workspace is a folder (else a volume). */
  private get folder(): { ssh: SshCommand; dir: string } | undefined {
    const ssh = this.remote?.ssh;
    return ssh === undefined || this.remoteDir === undefined ? undefined : { ssh, dir: this.remoteDir };
  }

  async fetchOutputs(): Promise<void> {
    const { remote, folder } = this;
    if (remote === undefined) return;
    if (folder !== undefined) return fetchFromFolder(folder.ssh, folder.dir, remote.workspaceFolder);
    await fetchOutputs(this.container, remote.workspaceFolder, remote.ssh);
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true, v: true }).catch(() => undefined);
    const { remote, folder } = this;
    if (remote === undefined) return;
    if (folder !== undefined) await removeFolder(folder.ssh, folder.dir).catch(() => undefined);
    else await removeJobVolume(this.docker, remote.name).catch(() => undefined);
  }
}
