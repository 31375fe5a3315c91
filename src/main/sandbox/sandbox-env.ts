// The environment every sandbox container (commands and jobs) starts with, whatever image it runs:
// - HOME is the size-limited /tmp, and USER/LOGNAME name the user, so `getpass.getuser()` (torch.compile,
//   many libraries) works for a host uid the image has no passwd entry for;
// - `pip install` lands under the workspace (PYTHONUSERBASE), so jobs, later commands and a restarted
//   container see it; its bin comes first on the image's own PATH; Debian's pip is told that user installs
//   are fine (PIP_BREAK_SYSTEM_PACKAGES: the system's packages are read-only to the sandbox anyway), and
//   pip falls back to a user install by itself where site-packages is not writable;
// - HF_HOME is the data folder's shared Hugging Face cache, mounted read-write outside the workspace, so
//   a model is downloaded once per data folder and never lands in a workspace snapshot.
import { chown, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const WORKSPACE_USER_BASE = '/workspace/.local';
/** Where the data folder's Hugging Face cache is mounted. */
export const HF_CACHE_PATH = '/cache/huggingface';
/** The data folder's Hugging Face cache, beside the workspaces. */
export const HF_CACHE_FOLDER = 'hf-cache';
/** The PATH of an image that does not say (Docker's default). */
export const DEFAULT_SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The name USER and LOGNAME give, the same as the images' uid-1000 user. */
export const SANDBOX_USER_NAME = 'looplab';

export interface SandboxEnvInput {
  /** The image's PATH, for the workspace's user installs to go first; unknown: the image's PATH as it is. */
  searchPath?: string | undefined;
  /** Whether the shared Hugging Face cache is mounted. */
  hfCache: boolean;
}

export function sandboxEnv(input: SandboxEnvInput): string[] {
  return [
    'HOME=/tmp',
    `USER=${SANDBOX_USER_NAME}`,
    `LOGNAME=${SANDBOX_USER_NAME}`,
    'PYTHONUNBUFFERED=1',
    'LANG=C.UTF-8',
    'MPLBACKEND=Agg',
    `PYTHONUSERBASE=${WORKSPACE_USER_BASE}`,
    ...(input.searchPath === undefined ? [] : [`PATH=${WORKSPACE_USER_BASE}/bin:${input.searchPath}`]),
    'PIP_BREAK_SYSTEM_PACKAGES=1',
    ...(input.hfCache ? [`HF_HOME=${HF_CACHE_PATH}`] : []),
  ];
}

/** The PATH an image's config sets, or Docker's default for an image that sets none. */
export function searchPathOf(imageEnv: readonly string[] | null | undefined): string {
  const entry = imageEnv?.find((variable) => variable.startsWith('PATH='));
  return entry === undefined ? DEFAULT_SEARCH_PATH : entry.slice('PATH='.length);
}

export function hfCacheFolder(home: string): string {
  return join(home, HF_CACHE_FOLDER);
}

/**
 * The cache folder must exist before Docker binds it (or Docker creates it as root); when Looplab runs as
 * root, the sandbox user (1000:1000) is given it.
 */
export async function prepareHfCache(folder: string, user: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const [uid, gid] = user.split(':').map(Number) as [number, number];
  const info = await lstat(folder);
  if (info.uid !== uid || info.gid !== gid) await chown(folder, uid, gid);
}
