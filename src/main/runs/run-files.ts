// Files of a run that the UI opens, reveals, downloads or reads (artifacts, job logs): only ever inside
// the run's own workspace folder. A model writes that folder, so a path is checked twice: as given (no
// `..` or absolute path out of it) and once links are resolved (no link pointing out of it).
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../shared/errors';

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
