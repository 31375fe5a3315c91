// Opening a file inside a folder that other code writes at the same time (a run's workspace, which the
// sandbox can fill with links and swap folders in): a path checked first and opened after can be
// turned into a link to this machine's files in between. So nothing is checked then opened by path.
// On Linux the folders are walked one component at a time through the descriptor of the one before
// (`/proc/self/fd/<fd>/<name>`, which the kernel resolves to that very folder: openat without openat),
// each opened with O_NOFOLLOW, so a link anywhere is refused at open time; the file is opened the same
// way with O_NONBLOCK (a pipe cannot hang the open), must be a plain file, and the path /proc gives for
// its descriptor must lie inside the folder's real root. Elsewhere (macOS), each component is checked
// with lstat before and after the open and the descriptor's device and inode must be those the path
// names then: a swap is noticed unless it is made and undone between those checks.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join, sep } from 'node:path';

export const PROC_FD = '/proc/self/fd';
const viaHandles = process.platform === 'linux' && existsSync(PROC_FD);
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const NOCTTY = constants.O_NOCTTY ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;

export type InsideErrorCode = 'EINVAL' | 'ENOENT' | 'ELOOP' | 'EISDIR' | 'ENOTDIR' | 'ENOTFILE' | 'EOUTSIDE';

/** Why a path inside the folder was not opened; `path` is the path as given. */
export class InsideError extends Error {
  constructor(
    readonly code: InsideErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'InsideError';
  }
}

const explain: Record<InsideErrorCode, string> = {
  EINVAL: 'is not a path inside the folder (it is absolute, or has "..", "." or empty parts)',
  ENOENT: 'does not exist',
  ELOOP: 'goes through a symbolic link, which Looplab does not follow inside a workspace',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'goes through a file where a folder should be',
  ENOTFILE: 'is not a plain file (a pipe, socket or device)',
  EOUTSIDE: 'was reached outside the folder (it changed while it was opened)',
};

function fail(code: InsideErrorCode, path: string): InsideError {
  return new InsideError(code, path, `${path} ${explain[code]}.`);
}

/** The parts of a path relative to the folder; refuses absolute paths, NUL and "", ".", ".." parts. */
export function insideParts(path: string): string[] {
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\0') || parts.some((part) => part === '' || part === '.' || part === '..'))
    throw fail('EINVAL', path);
  return parts;
}

/** A folder held open: `location` names it for fs calls (a /proc handle on Linux, else its path). */
export interface OpenFolder {
  fd: number;
  location: string;
  /** The folder's real root, which everything opened under it must stay in. */
  root: string;
  close(): void;
}

function mapOpenError(error: unknown, shown: string, location: string): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw fail('ENOENT', shown);
  if (code === 'ELOOP') throw fail('ELOOP', shown);
  if (code === 'ENXIO') throw fail('ENOTFILE', shown);
  if (code === 'EISDIR') throw fail('EISDIR', shown);
  if (code === 'ENOTDIR') {
    // O_DIRECTORY on a link or a file: say which.
    const info = lstatSync(location, { throwIfNoEntry: false });
    throw fail(info?.isSymbolicLink() === true ? 'ELOOP' : 'ENOTDIR', shown);
  }
  throw error;
}

function openFolderHandle(location: string, flags: number, shown: string): number {
  try {
    return openSync(location, constants.O_RDONLY | DIRECTORY | flags);
  } catch (error) {
    return mapOpenError(error, shown, location);
  }
}

/** Opens a folder inside `root` (made where missing when `create`), refusing a link in any component. */
export function openFolderInside(root: string, path: string, options: { create?: boolean } = {}): OpenFolder {
  const parts = path === '' ? [] : insideParts(path);
  const realRoot = realRootOf(root, path);
  if (!viaHandles) return openFolderByPath(realRoot, parts, path, options.create === true);
  let fd = openFolderHandle(realRoot, 0, path);
  try {
    for (const part of parts) {
      const location = `${PROC_FD}/${fd}/${part}`;
      if (options.create === true) makeFolder(location);
      const next = openFolderHandle(location, NOFOLLOW, path);
      closeSync(fd);
      fd = next;
    }
    checkInside(fd, realRoot, path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const held = fd;
  return { fd: held, location: `${PROC_FD}/${held}`, root: realRoot, close: () => closeSync(held) };
}

/** The root's real path (the folder itself is trusted: this machine made it); ENOENT as an InsideError. */
function realRootOf(root: string, shown: string): string {
  try {
    return realpathSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fail('ENOENT', shown);
    throw error;
  }
}

function makeFolder(location: string): void {
  try {
    mkdirSync(location, 0o755);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** The fallback where /proc does not name open files: lstat each component, open, then check again. */
function openFolderByPath(realRoot: string, parts: string[], shown: string, create: boolean): OpenFolder {
  const location = join(realRoot, ...parts);
  checkChain(realRoot, parts, shown, create);
  const fd = openFolderHandle(location, NOFOLLOW, shown);
  try {
    checkChain(realRoot, parts, shown, false);
    sameFile(fstatSync(fd), lstatSync(location), shown);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return { fd, location, root: realRoot, close: () => closeSync(fd) };
}

function checkChain(realRoot: string, parts: readonly string[], shown: string, create: boolean): void {
  let current = realRoot;
  for (const part of parts) {
    current = join(current, part);
    if (create) makeFolder(current);
    const info = lstatSync(current, { throwIfNoEntry: false });
    if (info === undefined) throw fail('ENOENT', shown);
    if (info.isSymbolicLink()) throw fail('ELOOP', shown);
    if (!info.isDirectory()) throw fail('ENOTDIR', shown);
  }
}

function sameFile(opened: Stats, named: Stats, shown: string): void {
  if (opened.dev !== named.dev || opened.ino !== named.ino) throw fail('EOUTSIDE', shown);
}

/** On Linux, that the descriptor's real path lies inside the root (the last word on where it is). */
function checkInside(fd: number, realRoot: string, shown: string): void {
  if (!viaHandles) return;
  const opened = readlinkSync(`${PROC_FD}/${fd}`);
  if (opened !== realRoot && !opened.startsWith(`${realRoot}${sep}`)) throw fail('EOUTSIDE', shown);
}

/** Opens the subfolder `name` of an open folder, refusing a link. */
export function openChildFolder(parent: OpenFolder, name: string): OpenFolder {
  const location = join(parent.location, name);
  const fd = openFolderHandle(location, NOFOLLOW, name);
  try {
    if (viaHandles) checkInside(fd, parent.root, name);
    else sameFile(fstatSync(fd), lstatSync(location), name);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return { fd, location: viaHandles ? `${PROC_FD}/${fd}` : location, root: parent.root, close: () => closeSync(fd) };
}

export type OpenIntent = 'read' | 'update' | 'append' | 'write';

const intentFlags: Record<OpenIntent, number> = {
  read: constants.O_RDONLY,
  update: constants.O_RDWR,
  append: constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
  // Truncated only once the descriptor is known to be a plain file inside the folder.
  write: constants.O_WRONLY | constants.O_CREAT,
};

export interface OpenedFile {
  fd: number;
  size: number;
  close(): void;
}

/**
 * Opens a plain file inside `root` by its relative path ('/'-separated), refusing links in every
 * component, pipes, sockets and devices, and anything found outside the root. 'append' and 'write'
 * create the file (and, with `createFolders`, its folders); 'write' empties it.
 */
export function openFileInside(
  root: string,
  path: string,
  intent: OpenIntent = 'read',
  options: { createFolders?: boolean } = {},
): OpenedFile {
  const parts = insideParts(path);
  const name = parts.pop()!;
  const folder = openFolderInside(root, parts.join('/'), { create: options.createFolders === true });
  let fd: number;
  try {
    fd = openInFolder(folder, name, intent, path);
  } finally {
    folder.close();
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw fail('EISDIR', path);
    if (!info.isFile()) throw fail('ENOTFILE', path);
    checkInside(fd, folder.root, path);
    if (intent === 'write') ftruncateSync(fd, 0);
    const held = fd;
    return { fd: held, size: intent === 'write' ? 0 : info.size, close: () => closeSync(held) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Opens the entry `name` of an open folder without following a link. */
function openInFolder(folder: OpenFolder, name: string, intent: OpenIntent, shown = name): number {
  const location = join(folder.location, name);
  const flags = intentFlags[intent] | NOFOLLOW | NONBLOCK | NOCTTY;
  let fd: number;
  try {
    fd = openSync(location, flags, 0o644);
  } catch (error) {
    return mapOpenError(error, shown, location);
  }
  if (!viaHandles) {
    try {
      sameFile(fstatSync(fd), lstatSync(location), shown);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}

/** The text of a plain file inside `root`. */
export function readTextInside(root: string, path: string): string {
  const file = openFileInside(root, path, 'read');
  try {
    return readFileSync(file.fd, 'utf8');
  } finally {
    file.close();
  }
}

/** Writes a plain file inside `root` (made with its folders where missing), never through a link. */
export function writeTextInside(root: string, path: string, text: string): void {
  const file = openFileInside(root, path, 'write', { createFolders: true });
  try {
    writeSync(file.fd, text);
  } finally {
    file.close();
  }
}
