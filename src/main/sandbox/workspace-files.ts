// Files this machine keeps inside a run's workspace (job logs, output snapshots), opened without following
// links. The sandbox can put anything in the workspace, including a symbolic link where such a file or
// its folder should be, pointing at a file of this machine (on the host, the link resolves to the host's
// path). So each folder on the way is checked to be a real folder, the file is opened with O_NOFOLLOW,
// and where /proc tells the path of an open file it is checked to be inside the workspace before use.
import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { AppError } from '../../shared/errors';

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

function refusal(path: string, what: string): AppError {
  return new AppError(
    'conflict',
    `${path} in the workspace is ${what}: Looplab keeps its job files there and does not follow links out of the workspace.`,
    `Remove it (rm ${path}) and try again.`,
  );
}

/** The folder at a workspace-relative path, made where missing; refuses a link or a file on the way. */
export function realFolder(workspaceFolder: string, folder: string): string {
  let path = workspaceFolder;
  for (const part of folder.split('/').filter((name) => name !== '' && name !== '.')) {
    path = join(path, part);
    const shown = relative(workspaceFolder, path).split(sep).join('/');
    let info = lstatSync(path, { throwIfNoEntry: false });
    if (info === undefined) {
      try {
        mkdirSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      info = lstatSync(path);
    }
    if (info.isSymbolicLink()) throw refusal(shown, 'a symbolic link');
    if (!info.isDirectory()) throw refusal(shown, 'a file, not a folder');
  }
  return path;
}

/**
 * Opens a file under the workspace (an absolute path inside it) without following links; returns its
 * descriptor. Throws ENOENT as usual, and an AppError when a link is in the way.
 */
export function openInWorkspace(workspaceFolder: string, path: string, flags: number): number {
  const shown = relative(workspaceFolder, path).split(sep).join('/');
  realFolder(workspaceFolder, relative(workspaceFolder, dirname(path)));
  let fd: number;
  try {
    fd = openSync(path, flags | NO_FOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw refusal(shown, 'a symbolic link');
    throw error;
  }
  if (!openedInside(fd, workspaceFolder)) {
    closeSync(fd);
    throw refusal(shown, 'reached through a symbolic link');
  }
  return fd;
}

/** Where /proc names an open file (Linux), whether it is inside the workspace; elsewhere the checks above stand. */
function openedInside(fd: number, workspaceFolder: string): boolean {
  let opened: string;
  try {
    opened = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return true;
  }
  return opened.startsWith(`${realpathSync(workspaceFolder)}${sep}`);
}
