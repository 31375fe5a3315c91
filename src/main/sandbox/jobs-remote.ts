// A job on another machine's Docker engine: nothing of this machine can be mounted there, so its
// container gets a volume of its own for /workspace, filled from the run's workspace before it starts,
// and a shared volume for the Hugging Face cache; its output streams back through the engine like a
// local job's, and when it ends its `outputs/` come back into the workspace. What comes back is the
// job's (the model's code's) work: only plain files and folders are taken, inside outputs/, within a size.
import type { Stats } from 'node:fs';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import * as tar from 'tar';
import { AppError } from '../../shared/errors';
import { HF_CACHE_PATH } from './sandbox-env';
import { JOBS_FOLDER, OUTPUTS_FOLDER } from './jobs-spec';
import { WORKSPACE_PATH } from './container-spec';

export const LABEL_JOB_TARGET = 'dev.looplab.job.target';
const HF_CACHE_VOLUME = 'looplab-hf-cache';
/** The most a job's outputs may bring back. */
export const MAX_OUTPUT_BYTES = 20 * 1024 ** 3;

export function jobVolume(containerName: string): string {
  return `${containerName}-workspace`;
}

/**
 * The container of a job on a remote engine: the local spec with volumes instead of this machine's
 * folders, and the target named in its labels. A network allow-list cannot work there (its proxy is a
 * socket of this machine), so such a job is refused before this.
 */
export function remoteJobSpec(spec: Docker.ContainerCreateOptions, target: string): Docker.ContainerCreateOptions {
  const name = spec.name ?? '';
  const { Binds: _binds, Mounts: _mounts, ...hostConfig } = spec.HostConfig ?? {};
  return {
    ...spec,
    Labels: { ...spec.Labels, [LABEL_JOB_TARGET]: target },
    HostConfig: {
      ...hostConfig,
      Mounts: [
        { Type: 'volume', Source: jobVolume(name), Target: WORKSPACE_PATH },
        { Type: 'volume', Source: HF_CACHE_VOLUME, Target: HF_CACHE_PATH },
      ],
    },
  };
}

/** The container's user as numbers, for the owner of the files sent (`1000:1000`, or `1000`). */
function ownerOf(user: string | undefined): { uid: number; gid: number } {
  const [uid, gid] = (user ?? '1000').split(':').map(Number);
  const id = Number.isInteger(uid) ? uid! : 1000;
  return { uid: id, gid: Number.isInteger(gid) ? gid! : id };
}

/** Sends the workspace (all of it but the jobs' own logs) into the created container's /workspace. */
export async function shipWorkspace(
  container: Docker.Container,
  workspaceFolder: string,
  user: string | undefined,
): Promise<void> {
  const pack = workspaceTar(workspaceFolder, ownerOf(user));
  await container.putArchive(Readable.from(pack as AsyncIterable<Buffer>), { path: WORKSPACE_PATH });
}

/** The workspace as a tar stream, all of it but the jobs' own logs, owned by `owner` there. */
export function workspaceTar(workspaceFolder: string, { uid, gid }: { uid: number; gid: number }): tar.Pack {
  return tar.create(
    {
      cwd: workspaceFolder,
      filter: (path) => !/^(\.\/)?\.looplab(\/|$)/.test(path),
      // Owned there by the job's user, as the workspace is here (its files are the person's).
      onWriteEntry: (entry) => {
        if (entry.stat !== undefined)
          entry.stat = Object.assign(Object.create(entry.stat) as Stats, entry.stat, { uid, gid });
      },
    },
    ['.'],
  );
}

/** How to run a command on the target's machine with this machine's OpenSSH client, where it has one. */
export interface SshCommand {
  /** `ssh`'s arguments up to the command: key, known hosts, port, user@host. */
  args: string[];
}

/** An extractor of a tar stream into the workspace that takes only outputs/'s plain files and folders. */
export function outputsExtractor(workspaceFolder: string): NodeJS.WritableStream {
  let total = 0;
  return tar.extract({
    cwd: workspaceFolder,
    strict: true,
    preservePaths: false,
    filter: (path, entry) => {
      const type = 'type' in entry ? entry.type : undefined;
      const inside = path === OUTPUTS_FOLDER || path.startsWith(`${OUTPUTS_FOLDER}/`);
      total += 'size' in entry && typeof entry.size === 'number' ? entry.size : 0;
      if (total > MAX_OUTPUT_BYTES)
        throw new AppError(
          'invalid_input',
          `The job's outputs are over ${MAX_OUTPUT_BYTES / 1024 ** 3} GB: the rest stayed there.`,
        );
      return inside && (type === 'File' || type === 'Directory' || type === 'OldFile');
    },
  });
}

/**
 * `docker cp` on the target's machine through OpenSSH, straight into a file here, then unpacked: several
 * times faster than the engine's archive through the SSH library, or than reading OpenSSH's output in
 * this process. Resolves false when there is no OpenSSH client here.
 */
async function fetchOverSsh(ssh: SshCommand, containerId: string, workspaceFolder: string): Promise<boolean> {
  const archive = join(workspaceFolder, JOBS_FOLDER, `outputs-${process.pid}-${Date.now()}.tar`);
  await mkdir(dirname(archive), { recursive: true });
  const file = await open(archive, 'w');
  try {
    const child = spawn(
      'ssh',
      [...ssh.args, 'docker', 'cp', `${containerId}:${WORKSPACE_PATH}/${OUTPUTS_FOLDER}`, '-'],
      {
        stdio: ['ignore', file.fd, 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const code = await new Promise<number | 'missing'>((resolve) => {
      child.once('error', () => resolve('missing'));
      child.once('exit', (exit) => resolve(exit ?? 1));
    });
    if (code === 'missing') return false;
    if (/no such (container:path|file or directory)|could not find the file/i.test(stderr)) return true;
    if (code !== 0) throw new Error(`ssh docker cp failed (${code}): ${stderr.trim()}`);
    await pipeline(createReadStream(archive), outputsExtractor(workspaceFolder));
    return true;
  } finally {
    await file.close().catch(() => undefined);
    await rm(archive, { force: true });
  }
}

/** Brings the job's outputs/ back into the workspace: plain files and folders only, nothing outside it. */
export async function fetchOutputs(
  container: Docker.Container,
  workspaceFolder: string,
  ssh?: SshCommand,
): Promise<void> {
  await mkdir(join(workspaceFolder, OUTPUTS_FOLDER), { recursive: true });
  if (ssh !== undefined && (await fetchOverSsh(ssh, container.id, workspaceFolder))) return;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.getArchive({ path: `${WORKSPACE_PATH}/${OUTPUTS_FOLDER}` });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    throw error;
  }
  await pipeline(stream as Readable, outputsExtractor(workspaceFolder));
}

/** Removes the job's workspace volume there, once its outputs are back. */
export async function removeJobVolume(docker: Docker, containerName: string): Promise<void> {
  await docker
    .getVolume(jobVolume(containerName))
    .remove()
    .catch(() => undefined);
}
