// Content-addressed blobs: large text (tool outputs, file contents, long messages) is written once
// under its sha256, however many events refer to it, so the database stays small. A blob file is
// written under a temporary name, synced, renamed into place and its folder synced, so its name never
// stands for partial content; one already there is checked before it is reused (see `put`), and a
// damaged one is replaced.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import { escapeBlobKey, isStoredRef, unescapeBlobKey } from '../../shared/blob-keys';
import { BLOB_PREVIEW_CHARS, BLOB_THRESHOLD_BYTES, blobRefSchema, type BlobRef } from '../../shared/events';

const HASH = /^[0-9a-f]{64}$/;
/** Never follow a link, never wait on a pipe, never take a terminal: a blob is a plain file or nothing. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export class BlobStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The file of a blob; only ever for a 64-hex hash, so no text can name another path. */
  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new AppError('invalid_input', `"${hash.slice(0, 80)}" is not a blob hash.`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  /**
   * Stores the text (once) and returns its reference. The file is synced before this returns. A file
   * already under that hash is reused only when it is a plain file holding exactly these bytes (text
   * blobs are at most a few MB, so reading one back costs less than writing and syncing it again);
   * anything else there is replaced.
   */
  put(text: string): BlobRef {
    const bytes = Buffer.from(text, 'utf8');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(hash);
    if (!holds(file, bytes)) writeAtomically(file, bytes);
    return { $blob: hash, size: bytes.length, preview: text.slice(0, BLOB_PREVIEW_CHARS) };
  }

  /**
   * Stores bytes as they stream in, hashing them on the way (never holding the whole in memory). The
   * synced temporary file is always renamed over the blob's name: it is the content just hashed, so a
   * damaged file there is replaced at no extra cost. `stored` says whether the blob was new (no file of
   * that size was there). Synced before this resolves; a source that fails leaves nothing behind.
   */
  async putStream(source: Readable): Promise<{ hash: string; size: number; stored: boolean }> {
    const temp = join(this.dir, `incoming.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(temp, 'w');
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        for (let offset = 0; offset < chunk.length;) {
          const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
          if (bytesWritten === 0) throw noSpace();
          offset += bytesWritten;
        }
      }
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    const digest = hash.digest('hex');
    const target = this.pathOf(digest);
    const stored = regularSize(target) !== size;
    try {
      await mkdir(join(target, '..'), { recursive: true });
      await rename(temp, target);
      await syncFolderAsync(join(target, '..'));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { hash: digest, size, stored };
  }

  has(hash: string): boolean {
    return HASH.test(hash) && existsSync(this.pathOf(hash));
  }

  /** The blob's text; only a plain file is read (a link, a pipe or a device under blobs/ is refused). */
  read(hash: string): string {
    const text = withPlainFile(this.pathOf(hash), (fd) => readFileSync(fd, 'utf8'));
    if (text === undefined) {
      throw new AppError(
        'not_found',
        `Blob ${hash} is missing from ${this.dir} (or is not a plain file).`,
        'The data folder may be incomplete.',
      );
    }
    return text;
  }
}

/**
 * Applies `use` to the plain file at `file` (opened without following a link or waiting on a pipe);
 * undefined when there is none, or something else is there.
 */
function withPlainFile<T>(file: string, use: (fd: number, size: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    return info.isFile() ? use(fd, info.size) : undefined;
  } finally {
    closeSync(fd);
  }
}

/** The size of a plain file at `file` (undefined when there is none, or something else is there). */
function regularSize(file: string): number | undefined {
  return withPlainFile(file, (_fd, size) => size);
}

/** Whether `file` is a plain file holding exactly `bytes`. */
function holds(file: string, bytes: Buffer): boolean {
  return withPlainFile(file, (fd, size) => size === bytes.length && readFileSync(fd).equals(bytes)) === true;
}

function writeAtomically(file: string, bytes: Buffer): void {
  const folder = join(file, '..');
  mkdirSync(folder, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    syncFolder(folder);
  } catch (error) {
    // A full disk leaves no half-written file behind to fill it further.
    rmSync(temp, { force: true });
    throw error;
  }
}

function noSpace(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/**
 * Writes every byte or throws: write(2) may write fewer bytes than asked (a disk that fills up midway
 * says so only on the next write), so a single writeSync could leave a truncated file behind.
 */
function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length;) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    if (written === 0) throw noSpace();
    offset += written;
  }
}

/** Makes a rename in `folder` durable (where the platform lets a folder be synced). */
function syncFolder(folder: string): void {
  let fd: number;
  try {
    fd = openSync(folder, constants.O_RDONLY);
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some platforms and filesystems cannot sync a folder; the file itself is synced.
  } finally {
    closeSync(fd);
  }
}

/** `syncFolder` on libuv's threads, so a slow disk holds up no other work of this one. */
async function syncFolderAsync(folder: string): Promise<void> {
  const handle = await open(folder, constants.O_RDONLY).catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // As in syncFolder: the file itself is synced.
  } finally {
    await handle.close();
  }
}

/** Whether a string is stored as a blob rather than inline. */
export function isLarge(text: string): boolean {
  // UTF-16 code units encode to at most 3 UTF-8 bytes each, so most strings are decided without encoding.
  if (text.length * 3 <= BLOB_THRESHOLD_BYTES) return false;
  if (text.length > BLOB_THRESHOLD_BYTES) return true;
  return Buffer.byteLength(text, 'utf8') > BLOB_THRESHOLD_BYTES;
}

/**
 * Replaces every large string in a JSON value with a blob reference; lists the references it made.
 * Keys that could be read as a reference (`$blob`, `$$blob`, …) gain a `$` (see shared/blob-keys.ts).
 */
export function externalize<T>(value: T, blobs: BlobStore, stored: BlobRef[]): T {
  if (typeof value === 'string') {
    if (!isLarge(value)) return value;
    const ref = blobs.put(value);
    stored.push(ref);
    return ref as T;
  }
  return mapChildren(value, (item) => externalize(item, blobs, stored), escapeBlobKey);
}

/** Where a stored value comes from, to name it when it holds a reference that is not the store's. */
export interface ResolveContext {
  /** e.g. "event #4 (tool.started) of run_…". */
  where: string;
  /** Whether the blob table holds the hash; without it, a 64-hex hash with a file under blobs/ is enough. */
  known?: (hash: string) => boolean;
}

/**
 * The inverse of externalize: every blob reference replaced by its text, escaped keys given back. A
 * reference resolves only to a 64-hex hash that the store holds; anything else is an error naming where
 * it was, and nothing is read.
 */
export function resolveBlobs<T>(value: T, blobs: BlobStore, context: ResolveContext = { where: 'an event' }): T {
  if (isStoredRef(value)) return readRef(value, blobs, context) as T;
  return mapChildren(value, (item) => resolveBlobs(item, blobs, context), unescapeBlobKey);
}

function readRef(value: Record<string, unknown>, blobs: BlobStore, context: ResolveContext): string {
  const ref = blobRefSchema.safeParse(value);
  if (!ref.success || context.known?.(ref.data.$blob) === false) {
    throw new AppError(
      'internal',
      `${context.where} refers to blob ${JSON.stringify(value.$blob).slice(0, 100)}, which is not a blob of this data folder; Looplab did not read it.`,
      'The run was recorded by a Looplab that stored such data unchecked, or the data folder was edited. Export what you need with --no-blobs, or delete the run.',
    );
  }
  return blobs.read(ref.data.$blob);
}

/**
 * Applies `map` to each child of an array or object and `rename` to each key of an object, copying
 * only when something changed.
 */
function mapChildren<T>(value: T, map: (item: unknown) => unknown, rename: (key: string) => string): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const next = map(item);
      if (next !== item) (out ??= [...value])[index] = next;
    });
    return (out ?? value) as T;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => {
    const next = map(item);
    const name = rename(key);
    if (next !== item || name !== key) changed = true;
    return [name, next];
  });
  // fromEntries defines own properties, so a key such as "__proto__" stays data.
  return (changed ? Object.fromEntries(entries) : value) as T;
}
