// Files of a run that the UI opens, reveals, downloads or reads (artifacts, job logs): only ever inside
// the run's own workspace folder. A model writes that folder, so a path is checked twice: as given (no
// `..` or absolute path out of it) and once links are resolved (no link pointing out of it). What is
// read here (a download) is opened through fs/open-inside.ts, which refuses a link in any component at
// the moment of the open; opening and revealing hand a path to the system, which can only be checked.
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../shared/errors';
import { InsideError, openFileInside } from '../fs/open-inside';

export interface RunFile {
  /** The file on this machine, links resolved. */
  realPath: string;
  /** Its path inside the workspace, as the run's events name it. */
  path: string;
  bytes: number;
  isFile: boolean;
}

/**
 * Kinds of file that open in a viewer rather than run: a model can write anything into outputs/, and
 * opening an executable or a script with the system's default handler would run it.
 */
const OPENABLE = new Set([
  '.txt',
  '.log',
  '.json',
  '.jsonl',
  '.csv',
  '.tsv',
  '.md',
  '.yaml',
  '.yml',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.pdf',
]);

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === '' || (!rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest));
}

function outside(path: string, root: string): AppError {
  return new AppError(
    'invalid_input',
    `${path} is outside the run’s workspace, so Looplab will not open it.`,
    `Only files inside ${root} (such as its outputs/ folder) can be opened, revealed or downloaded.`,
  );
}

/** A file by its path inside `folder` (a run's workspace), refused when it or a link in it leads out. */
export async function resolveInFolder(folder: string, path: string): Promise<RunFile> {
  if (path.includes('\0')) throw new AppError('invalid_input', 'A file path cannot contain a NUL character.');
  const root = await realpath(folder).catch(() => {
    throw new AppError('not_found', `${folder} does not exist.`, 'The run has written no files yet.');
  });
  const given = resolve(root, path);
  if (isAbsolute(path) || !inside(root, given)) throw outside(path, folder);
  const real = await realpath(given).catch(() => {
    throw new AppError('not_found', `${path} is not in the run’s workspace (any more).`, `Look in ${folder}.`);
  });
  if (!inside(root, real)) throw outside(path, folder);
  const info = await stat(real);
  return { realPath: real, path: relative(root, given).split(sep).join('/'), bytes: info.size, isFile: info.isFile() };
}

export function resolveRunFile(workspaces: string, runId: string, path: string): Promise<RunFile> {
  return resolveInFolder(join(workspaces, runId), path);
}

/** The file, which must be a regular file (to open or download). */
export async function resolveRunRegularFile(workspaces: string, runId: string, path: string): Promise<RunFile> {
  const file = await resolveRunFile(workspaces, runId, path);
  if (!file.isFile) throw new AppError('invalid_input', `${path} is a folder, not a file.`, 'Reveal it instead.');
  return file;
}

/** A run's file opened for reading (a download): its descriptor, to read and then close. */
export interface OpenedRunFile {
  fd: number;
  path: string;
  bytes: number;
}

/** Opens a plain file of the run's workspace to read it, never through a link, a pipe or a device. */
export function openRunFile(workspaces: string, runId: string, path: string): OpenedRunFile {
  const folder = join(workspaces, runId);
  const relativePath = path.replace(/^(\.\/)+/, '');
  try {
    const file = openFileInside(folder, relativePath, 'read');
    return { fd: file.fd, path: relativePath, bytes: file.size };
  } catch (error) {
    if (!(error instanceof InsideError)) throw error;
    if (error.code === 'ENOENT')
      throw new AppError('not_found', `${path} is not in the run’s workspace (any more).`, `Look in ${folder}.`);
    if (error.code === 'EISDIR')
      throw new AppError('invalid_input', `${path} is a folder, not a file.`, 'Reveal it instead.');
    if (error.code === 'ENOTFILE' || error.code === 'ENOTDIR')
      throw new AppError(
        'invalid_input',
        `${error.message} Looplab does not send it.`,
        'Only plain files can be downloaded.',
      );
    // A path out of the folder, or a link in any part of it (which may lead anywhere).
    throw outside(path, folder);
  }
}

/** Refuses to open what the system would run rather than show. */
export function checkOpenable(file: RunFile): void {
  const kind = extname(file.path).toLowerCase();
  if (OPENABLE.has(kind)) return;
  throw new AppError(
    'invalid_input',
    `Looplab does not open ${kind === '' ? 'files without an extension' : `${kind} files`} (${file.path}): a file a model wrote could run as a program.`,
    'Use “Show in folder” and open it yourself, with a program you choose.',
  );
}
