// Content-addressed blobs: large text (tool outputs, file contents, long messages) is written once
// under its sha256, however many events refer to it, so the database stays small.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import { BLOB_PREVIEW_CHARS, BLOB_THRESHOLD_BYTES, isBlobRef, type BlobRef } from '../../shared/events';

export class BlobStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  pathOf(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash);
  }

  /** Stores the text (once) and returns its reference. The file is synced before this returns. */
  put(text: string): BlobRef {
    const bytes = Buffer.from(text, 'utf8');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(hash);
    if (!existsSync(file)) writeAtomically(file, bytes);
    return { $blob: hash, size: bytes.length, preview: text.slice(0, BLOB_PREVIEW_CHARS) };
  }

  /**
   * Stores bytes as they stream in, hashing them on the way (never holding the whole in memory): the
   * blob is kept under its hash unless one is there already. Synced before this resolves.
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
        await file.write(chunk);
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
    if (existsSync(target)) {
      await rm(temp, { force: true });
      return { hash: digest, size, stored: false };
    }
    mkdirSync(join(target, '..'), { recursive: true });
    await rename(temp, target);
    return { hash: digest, size, stored: true };
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  read(hash: string): string {
    try {
      return readFileSync(this.pathOf(hash), 'utf8');
    } catch {
      throw new AppError(
        'not_found',
        `Blob ${hash} is missing from ${this.dir}.`,
        'The data folder may be incomplete.',
      );
    }
  }
}

function writeAtomically(file: string, bytes: Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    // A full disk leaves no half-written file behind to fill it further.
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Whether a string is stored as a blob rather than inline. */
export function isLarge(text: string): boolean {
  // UTF-16 code units encode to at most 3 UTF-8 bytes each, so most strings are decided without encoding.
  if (text.length * 3 <= BLOB_THRESHOLD_BYTES) return false;
  if (text.length > BLOB_THRESHOLD_BYTES) return true;
  return Buffer.byteLength(text, 'utf8') > BLOB_THRESHOLD_BYTES;
}

/** Replaces every large string in a JSON value with a blob reference; lists the hashes it stored. */
export function externalize<T>(value: T, blobs: BlobStore, stored: BlobRef[]): T {
  if (typeof value === 'string') {
    if (!isLarge(value)) return value;
    const ref = blobs.put(value);
    stored.push(ref);
    return ref as T;
  }
  return mapChildren(value, (item) => externalize(item, blobs, stored));
}

/** The inverse of externalize: every blob reference replaced by its text. */
export function resolveBlobs<T>(value: T, blobs: BlobStore): T {
  if (isBlobRef(value)) return blobs.read(value.$blob) as T;
  return mapChildren(value, (item) => resolveBlobs(item, blobs));
}

/** Applies `map` to each child of an array or object, copying only when a child changed. */
function mapChildren<T>(value: T, map: (item: unknown) => unknown): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const next = map(item);
      if (next !== item) (out ??= [...value])[index] = next;
    });
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const item: unknown = value[key];
    const next = map(item);
    if (next !== item) (out ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return (out ?? value) as T;
}
