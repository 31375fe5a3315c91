// Files this machine keeps inside a run's workspace (job logs, output snapshots), opened without following
// links. The sandbox can put anything in the workspace, including a symbolic link where such a file or
// its folder should be, pointing at a file of this machine (on the host, the link resolves to the host's
// path). So files are opened through fs/open-inside.ts, which refuses a link in any component at the
// moment of the open.
import { constants, lstatSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { AppError } from '../../shared/errors';
import { InsideError, openFileInside, type OpenIntent } from '../fs/open-inside';

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

/** The intent of open(2) flags, as open-inside.ts names it. */
function intentOf(flags: number): OpenIntent {
  if ((flags & constants.O_APPEND) !== 0) return 'append';
  if ((flags & constants.O_CREAT) !== 0) return 'write';
  return (flags & constants.O_RDWR) !== 0 ? 'update' : 'read';
}

/**
 * Opens a plain file under the workspace (an absolute path inside it) without following a link in any
 * component (fs/open-inside.ts); returns its descriptor. O_CREAT with O_APPEND appends, O_CREAT alone
 * empties the file. Throws an error with code ENOENT as usual, and an AppError when a link, a pipe or
 * a device is in the way.
 */
export function openInWorkspace(workspaceFolder: string, path: string, flags: number): number {
  const shown = relative(workspaceFolder, path).split(sep).join('/');
  const intent = intentOf(flags);
  try {
    return openFileInside(workspaceFolder, shown, intent, { createFolders: intent !== 'read' && intent !== 'update' })
      .fd;
  } catch (error) {
    if (!(error instanceof InsideError) || error.code === 'ENOENT') throw error;
    if (error.code === 'ELOOP') throw refusal(shown, 'a symbolic link');
    if (error.code === 'EOUTSIDE') throw refusal(shown, 'reached through a symbolic link');
    if (error.code === 'ENOTFILE') throw refusal(shown, 'not a plain file');
    throw refusal(shown, 'not a file Looplab can open');
  }
}
