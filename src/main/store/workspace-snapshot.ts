// Workspace snapshots: a manifest of every path in a run's folder (files by content hash, size and mode,
// folders by mode, symbolic links by their target, never followed) stored content-addressed in the blob
// store beside the files' contents. A file whose size, times and inode are unchanged since the last scan
// is not read again; content already stored costs nothing; an unchanged folder gives the same manifest.
// The folder is written to by sandboxed code while it is read, so it is walked through open folder
// handles (/proc/self/fd on Linux) and files are opened without following links. A file that holds a
// known secret value is left out (secret-filter.ts), and the snapshot says so.
import { constants, existsSync, type BigIntStats } from 'node:fs';
import { copyFile, chmod, lstat, mkdir, open, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { BlobStore } from './blob-store';
import { SecretFound, secretFilter } from './secret-filter';

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);
const pathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.startsWith('/') && !path.includes('\0') && path.split('/').every(isPlainSegment), {
    message: 'a manifest path is relative, without empty, "." or ".." parts',
  });
const mode = z.number().int().min(0).max(0o7777);

export const manifestEntrySchema = z.discriminatedUnion('kind', [
  z.object({ path: pathSchema, kind: z.literal('file'), hash: hashSchema, size: z.number().int().min(0), mode }),
  z.object({ path: pathSchema, kind: z.literal('dir'), mode }),
  z.object({ path: pathSchema, kind: z.literal('link'), target: z.string().min(1).max(4096) }),
]);
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;
export const manifestSchema = z.object({ version: z.literal(1), entries: z.array(manifestEntrySchema) });
export type Manifest = z.infer<typeof manifestSchema>;

/** Hashes of files by workspace path, valid while the file's size, times and inode stay the same. */
export type HashCache = Map<string, { key: string; hash: string }>;

export interface CaptureOptions {
  blobs: BlobStore;
  /** The previous scan's hashes; replaced in place by this scan's. */
  cache: HashCache;
  /** Stop (and capture nothing) once the files hold more than this many bytes. */
  maxBytes: number;
  /** Whether text holds a known secret value (the run's redactor): such a file is left out, and said so. */
  holdsSecret?: ((text: string) => boolean) | undefined;
}

/** A file left out of a snapshot, by its workspace path, and why. */
export interface WithheldFile {
  path: string;
  reason: string;
}

export const SECRET_REASON = 'it holds a known secret value';

export type CaptureResult =
  | { ok: true; manifest: string; files: number; bytes: number; newBytes: number; withheld: WithheldFile[] }
  | { ok: false; bytes: number; reason: string };

/**
 * A file changed less than this long before a scan may change again within the same timestamp tick,
 * so its hash is not trusted by the next scan (it is read again).
 */
const RACY_MS = 100;
const PROC_FD = '/proc/self/fd';
const viaHandles = process.platform === 'linux' && existsSync(PROC_FD);
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;

function isPlainSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..';
}

class OverCap extends Error {
  constructor(readonly bytes: number) {
    super('over the cap');
  }
}

function statKey(stat: BigIntStats): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.dev}`;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR';
}

class Scan {
  readonly entries: ManifestEntry[] = [];
  readonly cache: HashCache = new Map();
  readonly withheld: WithheldFile[] = [];
  files = 0;
  bytes = 0;
  newBytes = 0;
  private readonly trustedBefore = BigInt(Date.now() - RACY_MS) * 1_000_000n;

  constructor(private readonly options: CaptureOptions) {}

  async folder(location: string, rel: string): Promise<void> {
    const flags = constants.O_RDONLY | DIRECTORY | (rel === '' ? 0 : NOFOLLOW);
    const handle = viaHandles ? await open(location, flags) : undefined;
    try {
      const base = handle === undefined ? location : `${PROC_FD}/${handle.fd}`;
      const names = (await readdir(base)).sort();
      for (const name of names) await this.entry(join(base, name), rel === '' ? name : `${rel}/${name}`);
    } finally {
      await handle?.close();
    }
  }

  private async entry(location: string, rel: string): Promise<void> {
    let stat: BigIntStats;
    try {
      stat = await lstat(location, { bigint: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const entryMode = Number(stat.mode & 0o7777n);
    if (stat.isSymbolicLink()) {
      this.entries.push({ path: rel, kind: 'link', target: await readlink(location) });
    } else if (stat.isDirectory()) {
      this.entries.push({ path: rel, kind: 'dir', mode: entryMode });
      await this.folder(location, rel).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    } else if (stat.isFile()) {
      await this.file(location, rel, stat, entryMode);
    }
    // Pipes, sockets and devices are not workspace content.
  }

  private async file(location: string, rel: string, stat: BigIntStats, entryMode: number): Promise<void> {
    this.bytes += Number(stat.size);
    if (this.bytes > this.options.maxBytes) throw new OverCap(this.bytes);
    const key = statKey(stat);
    const known = this.options.cache.get(rel);
    let hash = known?.key === key ? known.hash : undefined;
    let size = Number(stat.size);
    if (hash === undefined) {
      const stored = await this.store(location, stat);
      if (stored === 'secret') this.withheld.push({ path: rel, reason: SECRET_REASON });
      if (stored === undefined || stored === 'secret') return;
      ({ hash, size } = stored);
      this.bytes += size - Number(stat.size);
    }
    if (stat.mtimeNs < this.trustedBefore) this.cache.set(rel, { key, hash });
    this.files += 1;
    this.entries.push({ path: rel, kind: 'file', hash, size, mode: entryMode });
  }

  /**
   * Streams the file into the blob store; undefined when it was replaced by something else meanwhile,
   * 'secret' when it holds a known secret value (then nothing of it is kept).
   */
  private async store(
    location: string,
    stat: BigIntStats,
  ): Promise<{ hash: string; size: number } | 'secret' | undefined> {
    let handle;
    try {
      handle = await open(location, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const opened = await handle.stat({ bigint: true });
      if (!opened.isFile() || opened.ino !== stat.ino) return undefined;
      const read = handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 });
      const { holdsSecret } = this.options;
      const stream = holdsSecret === undefined ? read : pipeline(read, secretFilter(holdsSecret), () => undefined);
      const result = await this.options.blobs.putStream(stream);
      if (result.stored) this.newBytes += result.size;
      return result;
    } catch (error) {
      if (error instanceof SecretFound) return 'secret';
      throw error;
    } finally {
      await handle.close();
    }
  }
}

/** Captures the folder as it is now. Never follows a link; a folder over the cap captures nothing. */
export async function captureWorkspace(root: string, options: CaptureOptions): Promise<CaptureResult> {
  const scan = new Scan(options);
  try {
    await scan.folder(root, '');
  } catch (error) {
    if (!(error instanceof OverCap)) throw error;
    return { ok: false, bytes: error.bytes, reason: `the workspace holds more than ${options.maxBytes} bytes` };
  }
  options.cache.clear();
  for (const [path, entry] of scan.cache) options.cache.set(path, entry);
  const text = JSON.stringify({ version: 1, entries: scan.entries } satisfies Manifest);
  // Written and synced on libuv's threads, like the files: the main thread does not wait for the disk.
  const manifest = await options.blobs.putStream(Readable.from([Buffer.from(text, 'utf8')]));
  return {
    ok: true,
    manifest: manifest.hash,
    files: scan.files,
    bytes: scan.bytes,
    newBytes: scan.newBytes,
    withheld: scan.withheld,
  };
}

export function readManifest(blobs: BlobStore, hash: string): Manifest {
  if (!blobs.has(hash)) {
    throw new AppError(
      'not_found',
      `The workspace snapshot ${hash.slice(0, 12)} is missing from the data folder.`,
      'The data folder may be incomplete; fork from another step.',
    );
  }
  const parsed = manifestSchema.safeParse(JSON.parse(blobs.read(hash)));
  if (!parsed.success) {
    throw new AppError('internal', `The workspace snapshot ${hash.slice(0, 12)} is damaged: ${parsed.error.message}`);
  }
  return parsed.data;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * Recreates a snapshot in an empty folder: files with their content and mode, folders, links as links
 * (with the target they had, never followed). Returns the restored files' hashes for the next scan.
 */
export async function restoreWorkspace(blobs: BlobStore, hash: string, target: string): Promise<HashCache> {
  const manifest = readManifest(blobs, hash);
  await mkdir(target, { recursive: true });
  if ((await readdir(target)).length > 0) {
    throw new AppError('conflict', `${target} is not empty; a snapshot is restored only into an empty folder.`);
  }
  const folders = new Set(['']);
  const folderModes: [string, number][] = [];
  const restored: [string, string][] = [];
  for (const entry of manifest.entries) {
    if (!folders.has(parentOf(entry.path))) {
      throw new AppError('internal', `The snapshot lists ${entry.path} outside any folder it restores.`);
    }
    const dest = join(target, entry.path);
    if (entry.kind === 'dir') {
      await mkdir(dest, { mode: 0o700 });
      folders.add(entry.path);
      folderModes.push([dest, entry.mode]);
    } else if (entry.kind === 'link') {
      await symlink(entry.target, dest);
    } else {
      if (!blobs.has(entry.hash)) {
        throw new AppError('not_found', `The content of ${entry.path} is missing from the data folder.`);
      }
      // EXCL: never write through anything already at that path.
      await copyFile(blobs.pathOf(entry.hash), dest, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      // Set-user and set-group bits are not given back: a model could otherwise plant such a file here.
      await chmod(dest, entry.mode & 0o777);
      restored.push([entry.path, entry.hash]);
    }
  }
  // Innermost first, so a folder without write permission is closed only after its contents are in.
  for (const [dest, folderMode] of folderModes.reverse()) await chmod(dest, folderMode & 0o1777);
  const cache: HashCache = new Map();
  for (const [path, fileHash] of restored) {
    cache.set(path, { key: statKey(await lstat(join(target, path), { bigint: true })), hash: fileHash });
  }
  return cache;
}
