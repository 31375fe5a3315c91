// The files of a job on the host side of its workspace: the folders it needs, the snapshot of
// /workspace/outputs taken when it starts (so that what it writes there becomes artifacts), and its log
// file in .looplab/jobs/, which is read back by the tools and counted when the app reattaches.
import {
  closeSync,
  constants,
  createReadStream,
  fchownSync,
  fstatSync,
  ftruncateSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { JOBS_FOLDER, OUTPUTS_FOLDER } from './jobs-spec';
import { openChildFolder, openFolderInside, type OpenFolder } from '../fs/open-inside';
import { openInWorkspace, realFolder } from './workspace-files';

/** Lines Looplab itself writes into a job's log; they are not the job's output. */
export const NOTE_PREFIX = '[looplab] ';

const MAX_ARTIFACTS = 1000;
const MAX_PATH_CHARS = 512;

export interface JobFiles {
  workspaceFolder: string;
  log: string;
  outputsSnapshot: string;
}

export function jobFiles(workspaceFolder: string, jobId: string): JobFiles {
  const folder = join(workspaceFolder, JOBS_FOLDER);
  return {
    workspaceFolder,
    log: join(folder, `${jobId}.log`),
    outputsSnapshot: join(folder, `${jobId}.outputs.json`),
  };
}

/** Opens the job's log to append to it; throws when a link stands in its way. */
export function openLogForAppend(files: JobFiles): number {
  return openInWorkspace(files.workspaceFolder, files.log, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
}

/** Appends one of Looplab's own notes to the job's log; a log that cannot be opened gets none. */
export function appendNote(files: JobFiles, text: string): void {
  try {
    const fd = openLogForAppend(files);
    try {
      writeSync(fd, `${NOTE_PREFIX}${text}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The note is also in the run's events; the log is a convenience.
  }
}

/**
 * The workspace, its outputs folder and the jobs folder. When Looplab runs as root the sandbox user is
 * 1000:1000, so the run's folder and its outputs are handed to that user (as the run's sandbox does).
 */
export async function prepareJobFolders(workspaceFolder: string, user: string): Promise<void> {
  realFolder(workspaceFolder, JOBS_FOLDER);
  realFolder(workspaceFolder, OUTPUTS_FOLDER);
  if (process.getuid?.() !== 0) return;
  const [uid, gid] = user.split(':').map(Number) as [number, number];
  const info = await lstat(workspaceFolder);
  const root = openFolderInside(workspaceFolder, '');
  try {
    if (info.uid !== uid || info.gid !== gid) await chownTree(root, uid, gid);
    const outputs = openChildFolder(root, OUTPUTS_FOLDER);
    try {
      fchownSync(outputs.fd, uid, gid);
    } finally {
      outputs.close();
    }
  } finally {
    root.close();
  }
}

/**
 * lchown, never chown, each entry named through its folder's open handle: neither a link the sandbox
 * made nor a folder it swaps for one meanwhile can hand a file of this machine to its user.
 */
async function chownTree(folder: OpenFolder, uid: number, gid: number): Promise<void> {
  // The folder by its descriptor: its /proc name is itself a link, which lchown would change instead.
  fchownSync(folder.fd, uid, gid);
  for (const entry of await readdir(folder.location, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      await lchown(join(folder.location, entry.name), uid, gid).catch(() => undefined);
      continue;
    }
    let child: OpenFolder;
    try {
      child = openChildFolder(folder, entry.name);
    } catch {
      continue; // replaced by a link or removed since it was listed
    }
    try {
      await chownTree(child, uid, gid);
    } finally {
      child.close();
    }
  }
}

const snapshotSchema = z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number() }));
type OutputsSnapshot = z.infer<typeof snapshotSchema>;

/** Regular files under outputs/, by workspace path; walked through open folder handles, following no link. */
async function scanOutputs(workspaceFolder: string): Promise<OutputsSnapshot> {
  const found: OutputsSnapshot = {};
  let root: OpenFolder;
  try {
    root = openFolderInside(workspaceFolder, OUTPUTS_FOLDER);
  } catch {
    return found;
  }
  const walk = async (folder: OpenFolder, prefix: string): Promise<void> => {
    const entries = await readdir(folder.location, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const key = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        let child: OpenFolder;
        try {
          child = openChildFolder(folder, entry.name);
        } catch {
          continue;
        }
        await walk(child, key).finally(() => child.close());
      }
      if (!entry.isFile()) continue;
      const info = await lstat(join(folder.location, entry.name)).catch(() => undefined);
      if (info?.isFile() === true) found[key] = { size: info.size, mtimeMs: info.mtimeMs };
    }
  };
  try {
    await walk(root, OUTPUTS_FOLDER);
  } finally {
    root.close();
  }
  return found;
}

export async function snapshotOutputs(workspaceFolder: string, files: JobFiles): Promise<void> {
  const text = JSON.stringify(await scanOutputs(workspaceFolder));
  const fd = openInWorkspace(workspaceFolder, files.outputsSnapshot, constants.O_WRONLY | constants.O_CREAT);
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function readSnapshot(files: JobFiles): OutputsSnapshot {
  try {
    const fd = openInWorkspace(files.workspaceFolder, files.outputsSnapshot, constants.O_RDONLY);
    try {
      return snapshotSchema.parse(JSON.parse(readFileSync(fd, 'utf8')));
    } finally {
      closeSync(fd);
    }
  } catch {
    return {};
  }
}

/** Files under outputs/ that are new or changed since the snapshot, sorted by path. */
export async function changedOutputs(
  workspaceFolder: string,
  files: JobFiles,
): Promise<{ path: string; bytes: number }[]> {
  const before = readSnapshot(files);
  const now = await scanOutputs(workspaceFolder);
  return Object.entries(now)
    .filter(([path, info]) => {
      const old = before[path];
      return old === undefined || old.size !== info.size || old.mtimeMs !== info.mtimeMs;
    })
    .filter(([path]) => path.length <= MAX_PATH_CHARS)
    .map(([path, info]) => ({ path, bytes: info.size }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, MAX_ARTIFACTS);
}

/**
 * How many of the job's own lines the log file holds (notes aside), so that a reattached watcher writes
 * only what follows. A line cut off by a crash is removed: it will be read again whole.
 */
export async function countLoggedLines(files: JobFiles): Promise<number> {
  let fd: number;
  try {
    fd = openInWorkspace(files.workspaceFolder, files.log, constants.O_RDWR);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    return await countLines(fd);
  } finally {
    closeSync(fd);
  }
}

async function countLines(fd: number): Promise<number> {
  let lines = 0;
  let offset = 0;
  let lineStart = 0;
  let head = Buffer.alloc(0);
  const prefix = Buffer.from(NOTE_PREFIX);
  for await (const chunk of createReadStream('', { fd, autoClose: false, start: 0 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, from)) {
      head = Buffer.concat([head, chunk.subarray(from, Math.min(end, from + prefix.length))]);
      if (!head.subarray(0, prefix.length).equals(prefix)) lines++;
      head = Buffer.alloc(0);
      from = end + 1;
      lineStart = offset + from;
    }
    if (head.length < prefix.length) head = Buffer.concat([head, chunk.subarray(from, from + prefix.length)]);
    offset += chunk.length;
  }
  if (lineStart < offset) ftruncateSync(fd, lineStart);
  return lines;
}

const TAIL_READ_BYTES = 4 * 1024 * 1024;

/** The last `count` lines of a job's log (read from its last few MB at most). */
export function tailLines(files: JobFiles, count: number): string[] {
  const fd = openInWorkspace(files.workspaceFolder, files.log, constants.O_RDONLY);
  try {
    const { size } = fstatSync(fd);
    const start = Math.max(0, size - TAIL_READ_BYTES);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    const lines = (start > 0 ? text.slice(text.indexOf('\n') + 1) : text).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}
