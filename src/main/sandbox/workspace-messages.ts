// The words a model (and the person watching) reads when the sandbox refuses or fails a call. They match
// FolderWorkspace's where the two refuse the same thing, so a run reads the same on either.
import type { AgentErrorCode, AgentRefusal } from './agent-protocol';

export const READ_LIMIT_BYTES = 32 * 1024 * 1024;

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

const messages: Record<AgentErrorCode, (path: string, detail: string) => string> = {
  absolute: (path) => `${path} is outside the workspace: use a path relative to it.`,
  outside: (path) => `${path} is outside the workspace.`,
  symlink_out: (path) => `${path} leads outside the workspace through a symbolic link.`,
  missing: (path) => `${path} does not exist.`,
  is_dir: (path) => `${path} is a folder, not a file.`,
  not_dir: (path) => `${path} cannot be made: part of its path is a file, not a folder.`,
  is_symlink: (path) => `${path} is a symbolic link; write to a regular file.`,
  not_regular: (path) => `${path} is not a regular file (it is a pipe, socket or device).`,
  too_large: (path, detail) =>
    `${path} is ${size(Number(detail))}, too large to read whole (the limit is ${size(READ_LIMIT_BYTES)}): look at parts of it with bash (head, tail, grep, sed -n).`,
  denied: (path) => `${path}: permission denied in the sandbox.`,
  no_space: (path) => `No space left in the workspace to write ${path}.`,
  loop: (path) => `${path} leads through a loop of symbolic links.`,
  bad_path: (path) => `${path} is not a valid path.`,
  spawn: (_path, detail) =>
    `The command could not start in the sandbox (${detail}): too many processes may be running there.`,
  bad_request: (path, detail) => `The sandbox could not handle the request for ${path}: ${detail}.`,
  io: (path, detail) => `${path}: ${detail}.`,
};

export function refusalMessage(path: string, refusal: AgentRefusal): string {
  return messages[refusal.code](path, refusal.detail);
}

/** Why the sandbox was stopped, or a write refused, when the workspace's disk got down to its reserve. */
export function diskReserveMessage(freeBytes: number, reserveBytes: number): string {
  return `the disk holding the workspace is almost full (${size(Math.max(0, freeBytes))} free; the sandbox keeps ${size(reserveBytes)} free for this machine). Delete what is not needed in /workspace (rm works), write less, or free space on this machine`;
}

export function outOfMemoryNote(limitBytes: number): string {
  return `[out of memory: a process was killed, the sandbox has ${size(limitBytes)}; use less memory (smaller batches or data)]`;
}
