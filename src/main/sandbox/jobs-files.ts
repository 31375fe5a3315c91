// The files of a job on the host side of its workspace: the folders it needs, the snapshot of
// /workspace/outputs taken when it starts (so that what it writes there becomes artifacts), and its log
// file in .looplab/jobs/, which is read back by the tools and counted when the app reattaches.
import { createReadStream } from 'node:fs';
import { chown, lstat, mkdir, open, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { JOBS_FOLDER, OUTPUTS_FOLDER } from './jobs-spec';

/** Lines Looplab itself writes into a job's log; they are not the job's output. */
export const NOTE_PREFIX = '[looplab] ';

const MAX_ARTIFACTS = 1000;
const MAX_PATH_CHARS = 512;

export interface JobFiles {
  log: string;
  outputsSnapshot: string;
}

export function jobFiles(workspaceFolder: string, jobId: string): JobFiles {
  const folder = join(workspaceFolder, JOBS_FOLDER);
  return { log: join(folder, `${jobId}.log`), outputsSnapshot: join(folder, `${jobId}.outputs.json`) };
}

/**
 * The workspace, its outputs folder and the jobs folder. When Looplab runs as root the sandbox user is
 * 1000:1000, so the run's folder and its outputs are handed to that user (as the run's sandbox does).
 */
export async function prepareJobFolders(workspaceFolder: string, user: string): Promise<void> {
  await mkdir(join(workspaceFolder, JOBS_FOLDER), { recursive: true });
  await mkdir(join(workspaceFolder, OUTPUTS_FOLDER), { recursive: true });
  if (process.getuid?.() !== 0) return;
  const [uid, gid] = user.split(':').map(Number) as [number, number];
  const info = await lstat(workspaceFolder);
  if (info.uid !== uid || info.gid !== gid) await chownTree(workspaceFolder, uid, gid);
  await chown(join(workspaceFolder, OUTPUTS_FOLDER), uid, gid);
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  const info = await lstat(path);
  if (!info.isSymbolicLink()) await chown(path, uid, gid);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), uid, gid);
}

const snapshotSchema = z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number() }));
type OutputsSnapshot = z.infer<typeof snapshotSchema>;

/** Regular files under outputs/, by workspace path; links are not followed. */
async function scanOutputs(workspaceFolder: string): Promise<OutputsSnapshot> {
  const root = join(workspaceFolder, OUTPUTS_FOLDER);
  const found: OutputsSnapshot = {};
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      if (!entry.isFile()) continue;
      const info = await lstat(path).catch(() => undefined);
      const key = relative(workspaceFolder, path).split(sep).join('/');
      if (info !== undefined) found[key] = { size: info.size, mtimeMs: info.mtimeMs };
    }
  };
  await walk(root);
  return found;
}

export async function snapshotOutputs(workspaceFolder: string, files: JobFiles): Promise<void> {
  await writeFile(files.outputsSnapshot, JSON.stringify(await scanOutputs(workspaceFolder)));
}

/** Files under outputs/ that are new or changed since the snapshot, sorted by path. */
export async function changedOutputs(
  workspaceFolder: string,
  files: JobFiles,
): Promise<{ path: string; bytes: number }[]> {
  const before = await readFile(files.outputsSnapshot, 'utf8')
    .then((text) => snapshotSchema.parse(JSON.parse(text)))
    .catch(() => ({}) as OutputsSnapshot);
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
export async function countLoggedLines(path: string): Promise<number> {
  let lines = 0;
  let offset = 0;
  let lineStart = 0;
  let head = Buffer.alloc(0);
  const prefix = Buffer.from(NOTE_PREFIX);
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
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
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  if (lineStart < offset) await truncate(path, lineStart);
  return lines;
}

const TAIL_READ_BYTES = 4 * 1024 * 1024;

/** The last `count` lines of a log file (read from its last few MB at most). */
export async function tailLines(path: string, count: number): Promise<string[]> {
  const { size } = await stat(path);
  const start = Math.max(0, size - TAIL_READ_BYTES);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    const lines = (start > 0 ? text.slice(text.indexOf('\n') + 1) : text).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}
