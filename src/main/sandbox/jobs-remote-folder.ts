// A job on another machine's Docker engine reached over SSH keeps its workspace in a folder of that
// machine (`~/.looplab/jobs/<job>/workspace`, bind-mounted at /workspace), not in a Docker volume: the
// workspace goes there and `outputs/` come back as a plain tar over OpenSSH, at the speed of scp, where the
// engine's own archive (`docker cp`) moves the same bytes a third slower. The job runs as the SSH user, so
// every file it writes there is theirs to read and remove; the Hugging Face cache is a folder beside it,
// shared by that user's jobs. What comes back is taken as any remote job's: outputs/'s plain files only.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { WORKSPACE_PATH } from './container-spec';
import { bindMounts, engineUser, type EngineProfile } from './engine-profile';
import { LABEL_JOB_TARGET, MAX_OUTPUT_BYTES, outputsExtractor, workspaceTar, type SshCommand } from './jobs-remote';
import { fetchWithTar } from './outputs-tar';
import { runOverSsh } from './ssh-run';
import { OUTPUTS_FOLDER } from './jobs-spec';
import { HF_CACHE_PATH } from './sandbox-env';
import { shellQuote } from './shell-quote';

/** How much of the archive the unpacker is handed at once (4 MiB writes, not 64 KiB ones). */
const UNPACK_CHUNK = 4 * 1024 ** 2;

/** The label that names the job's folder on its machine (absolute, as that machine's shell said it). */
export const LABEL_JOB_REMOTE_DIR = 'dev.looplab.job.remote-dir';

/** What sending the workspace found out there: the job's folder, the shared cache, and the SSH user. */
export interface RemoteFolder {
  dir: string;
  hfCache: string;
  uid: number;
  gid: number;
}

const shippedSchema = z
  .string()
  .transform((text) => text.trim().split('\n').at(-1) ?? '')
  .pipe(z.string().regex(/^\/\S+ \/\S+ \d+ \d+$/, 'the folder, cache, uid and gid'));

/** Runs `command` there through OpenSSH, `stdin` on its input; resolves with what it printed. */
async function onMachine(ssh: SshCommand, command: string, stdin?: Readable): Promise<string> {
  const result = await runOverSsh(ssh.args, command, { stdin });
  if (result.code !== 0) throw new Error(`ssh (exit ${result.code}): ${result.stderr.trim()}`);
  return result.stdout;
}

/** Sends the workspace (all but the jobs' own logs) into the job's folder there, replacing what was. */
export async function shipToFolder(
  ssh: SshCommand,
  workspaceFolder: string,
  containerName: string,
): Promise<RemoteFolder> {
  const name = shellQuote(containerName);
  const script = [
    'set -e',
    `d="$HOME/.looplab/jobs/"${name}`,
    'c="$HOME/.looplab/hf-cache"',
    'if [ -d "$d" ]; then chmod -R u+rwX "$d"; rm -rf "$d"; fi',
    'mkdir -p "$d/workspace" "$c"',
    'tar -x -f - -C "$d/workspace" --no-same-owner',
    'printf "%s %s %s %s\\n" "$d" "$c" "$(id -u)" "$(id -g)"',
  ].join('; ');
  const pack = Readable.from(workspaceTar(workspaceFolder, { uid: 0, gid: 0 }) as AsyncIterable<Buffer>);
  const said = shippedSchema.parse(await onMachine(ssh, script, pack));
  const [dir, hfCache, uid, gid] = said.split(' ') as [string, string, string, string];
  return { dir, hfCache, uid: Number(uid), gid: Number(gid) };
}

/**
 * The job's container there: the local spec with that machine's folders, run as the SSH user (under
 * rootless Docker, as the container's root, which is that user; on SELinux, the folders relabelled).
 */
export function folderJobSpec(
  spec: Docker.ContainerCreateOptions,
  target: string,
  folder: RemoteFolder,
  engine: EngineProfile,
): Docker.ContainerCreateOptions {
  const { Binds: _binds, Mounts: _mounts, ...hostConfig } = spec.HostConfig ?? {};
  const mounts = [
    { source: `${folder.dir}/workspace`, target: WORKSPACE_PATH, readOnly: false },
    { source: folder.hfCache, target: HF_CACHE_PATH, readOnly: false },
  ];
  return {
    ...spec,
    User: engineUser(`${folder.uid}:${folder.gid}`, engine),
    Labels: { ...spec.Labels, [LABEL_JOB_TARGET]: target, [LABEL_JOB_REMOTE_DIR]: folder.dir },
    HostConfig: { ...hostConfig, ...bindMounts(mounts, engine) },
  };
}

/**
 * Whether a job there can keep its workspace in a folder of that machine: reached over SSH, and an engine
 * that does not remap uids (under `userns-remap` the folder would be nobody's inside; a volume is used).
 */
export function folderWorks(ssh: SshCommand | undefined, engine: EngineProfile): ssh is SshCommand {
  return ssh !== undefined && engine.usernsRemap !== true;
}

/**
 * Whether the engine refused the folder's bind mount because it cannot see the path: it does not exist
 * where the daemon looks, or the daemon may not look there.
 */
export function engineCannotSee(error: unknown): boolean {
  return error instanceof Error && /invalid mount config for type "bind"/i.test(error.message);
}

/** Chunks of at least `size` bytes: the unpacker writes each file in fewer, larger writes. */
function coalesce(size: number): Transform {
  let parts: Buffer[] = [];
  let held = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      held += chunk.length;
      if (held >= size) {
        this.push(Buffer.concat(parts, held));
        parts = [];
        held = 0;
      }
      callback();
    },
    flush(callback) {
      if (held > 0) this.push(Buffer.concat(parts, held));
      callback();
    },
  });
}

/**
 * Brings `outputs/` back from a job's workspace on another machine (`workspace`: a shell word naming it
 * there): a tar over OpenSSH, unpacked by this machine's tar where it has one (outputs-tar.ts), else here
 * as it comes; either way only outputs/'s plain files and folders, within the size cap.
 */
export async function fetchOverSsh(ssh: SshCommand, workspace: string, workspaceFolder: string): Promise<void> {
  try {
    if (await fetchWithTar(ssh, workspace, workspaceFolder, MAX_OUTPUT_BYTES)) return;
  } catch (error) {
    throw new AppError('unavailable', `The job's outputs could not be brought back: ${(error as Error).message}`);
  }
  await mkdir(join(workspaceFolder, OUTPUTS_FOLDER), { recursive: true });
  const folder = shellQuote(OUTPUTS_FOLDER);
  const script = `cd ${workspace} && if [ -d ${folder} ]; then tar -cf - ${folder}; fi`;
  const child = spawn('ssh', [...ssh.args, script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exit = new Promise<number | null>((resolve) => child.once('close', resolve));
  child.once('error', () => undefined);
  await pipeline(child.stdout, coalesce(UNPACK_CHUNK), outputsExtractor(workspaceFolder));
  const code = await exit;
  if (code !== 0)
    throw new AppError(
      'unavailable',
      `The job's outputs could not be brought back (ssh exit ${code}): ${stderr.trim()}`,
    );
}

/** Brings `outputs/` back from the job's folder there. */
export function fetchFromFolder(ssh: SshCommand, dir: string, workspaceFolder: string): Promise<void> {
  return fetchOverSsh(ssh, shellQuote(`${dir}/workspace`), workspaceFolder);
}

/** Removes the job's folder there, once its outputs are back. */
export async function removeFolder(ssh: SshCommand, dir: string): Promise<void> {
  const quoted = shellQuote(dir);
  await onMachine(ssh, `chmod -R u+rwX ${quoted} 2>/dev/null; rm -rf ${quoted}`);
}
