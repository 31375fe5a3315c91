// Reads a run archive (see run-archive.ts) line by line as it is decompressed, so that a file built to
// exhaust memory (a small gzip of newlines, one endless line) is refused early: the decompressed total
// and every line have a cap, each line is parsed as it arrives, and the header bounds the line count.
// The count and checksum are checked at the end, before anything is built from the events.
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { runIdSchema } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { isStoredRef, unescapeBlobKey } from '../../shared/blob-keys';
import { isBlobRef, parseDraft, type EventDraft } from '../../shared/events';

export const ARCHIVE_FORMAT = 'looplab-run';
export const ARCHIVE_VERSION = 1;
/** Most bytes an archive may hold once decompressed, and in one line. */
export const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Most events and most blobs an archive may say it holds. */
export const MAX_ARCHIVE_ENTRIES = 1_000_000;

const MIB = 1024 * 1024;
const count = z.number().int().nonnegative().max(MAX_ARCHIVE_ENTRIES);
const headerSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.number().int(),
  runId: runIdSchema,
  events: count,
  blobs: count,
  exportedAt: z.number().int(),
});
type Header = z.infer<typeof headerSchema>;
const eventLineSchema = z.object({
  event: z.object({
    seq: z.number().int().nonnegative(),
    time: z.number().int(),
    type: z.string(),
    payload: z.unknown(),
  }),
});
const blobLineSchema = z.object({ blob: z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), text: z.string() }) });
const endLineSchema = z.object({ end: z.object({ lines: z.number().int().positive(), sha256: z.string() }) });
const lineSchema = z.union([eventLineSchema, blobLineSchema, endLineSchema]);
type Line = z.infer<typeof lineSchema>;

export interface Archive {
  runId: string;
  drafts: EventDraft[];
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function corrupt(detail: string): AppError {
  return new AppError(
    'invalid_input',
    `This is not a complete Looplab run file: ${detail}.`,
    'Export the run again (looplab export <run-id>) and copy the whole file.',
  );
}

function parseJson<T>(schema: z.ZodType<T>, line: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw corrupt(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw corrupt(`${what} is malformed (${z.prettifyError(parsed.error)})`);
  return parsed.data;
}

function readHeader(line: string): Header {
  const first = parseJson(z.object({ format: z.string(), version: z.number() }), line, 'the header');
  if (first.format !== ARCHIVE_FORMAT) throw corrupt('the header does not name the looplab-run format');
  if (first.version !== ARCHIVE_VERSION) {
    throw new AppError(
      'invalid_input',
      `This run file has format version ${first.version}; this Looplab reads version ${ARCHIVE_VERSION}.`,
      first.version > ARCHIVE_VERSION ? 'Update Looplab to import it.' : 'Export it again with this Looplab.',
    );
  }
  return parseJson(headerSchema, line, 'the header');
}

function fromRefs(value: unknown, blobs: ReadonlyMap<string, string>): unknown {
  if (isStoredRef(value)) {
    if (!isBlobRef(value)) throw corrupt(`an event holds a malformed blob reference`);
    const text = blobs.get(value.$blob);
    if (text === undefined) throw corrupt(`an event refers to blob ${value.$blob}, which the file does not hold`);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => fromRefs(item, blobs));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [unescapeBlobKey(key), fromRefs(item, blobs)]),
    );
  return value;
}

/** Takes the decompressed bytes as they come, splits them into lines and checks each. */
class ArchiveReader {
  private header: Header | undefined;
  private readonly lines: Line[] = [];
  private readonly digest: Hash = createHash('sha256');
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private total = 0;
  /** The last complete line: the end line, unless another follows (it is not part of the checksum). */
  private held: { text: string; line: Line } | undefined;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > MAX_ARCHIVE_BYTES) throw corrupt(`it is larger than ${MAX_ARCHIVE_BYTES / MIB} MiB decompressed`);
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      this.addPart(chunk.subarray(start, end));
      this.line(Buffer.concat(this.partial, this.partialBytes).toString('utf8'));
      this.partial = [];
      this.partialBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length) this.addPart(chunk.subarray(start));
  }

  private addPart(part: Buffer): void {
    this.partialBytes += part.length;
    if (this.partialBytes > MAX_LINE_BYTES)
      throw corrupt(`line ${this.lineCount() + 1} is longer than ${MAX_LINE_BYTES / MIB} MiB`);
    if (part.length > 0) this.partial.push(Buffer.from(part));
  }

  private lineCount(): number {
    return (this.header === undefined ? 0 : 1) + this.lines.length + (this.held === undefined ? 0 : 1);
  }

  private line(text: string): void {
    if (this.header === undefined) {
      this.header = readHeader(text);
      this.digest.update(`${text}\n`);
      return;
    }
    const line = parseJson(lineSchema, text, `line ${this.lineCount() + 1}`);
    if (this.held !== undefined) {
      this.lines.push(this.held.line);
      this.digest.update(`${this.held.text}\n`);
    }
    this.held = { text, line };
    // Header, events, blobs and the end line: never more lines than the header says.
    if (this.lines.length > this.header.events + this.header.blobs)
      throw corrupt('it has a different number of lines than it says');
  }

  finish(): Archive {
    if (this.partialBytes > 0) this.push(Buffer.from('\n'));
    const header = this.header;
    if (header === undefined) throw corrupt('the header is missing');
    const last = this.held?.line;
    if (last === undefined || !('end' in last)) throw corrupt('the end line is missing');
    const body = 1 + this.lines.length;
    if (last.end.lines !== body || body !== 1 + header.events + header.blobs)
      throw corrupt('it has a different number of lines than it says');
    if (this.digest.digest('hex') !== last.end.sha256) throw corrupt('its checksum does not match');
    return { runId: header.runId, drafts: this.drafts(header) };
  }

  private drafts(header: Header): EventDraft[] {
    const blobs = new Map<string, string>();
    for (const [index, line] of this.lines.slice(header.events).entries()) {
      if (!('blob' in line)) throw corrupt(`line ${2 + header.events + index} is not a blob line`);
      if (sha256(line.blob.text) !== line.blob.hash) throw corrupt(`blob ${line.blob.hash} does not match its hash`);
      blobs.set(line.blob.hash, line.blob.text);
    }
    const drafts = this.lines.slice(0, header.events).map((line, index): EventDraft => {
      if (!('event' in line)) throw corrupt(`event ${index} is not an event line`);
      const { event } = line;
      if (event.seq !== index) throw corrupt(`event ${index} has seq ${event.seq}`);
      try {
        return parseDraft({ type: event.type, payload: fromRefs(event.payload, blobs), time: event.time });
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw corrupt(`event ${index} (${event.type}) is not a valid event`);
      }
    });
    if (drafts[0]?.type !== 'run.created') throw corrupt('its first event is not run.created');
    return drafts;
  }
}

function decompressionError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
    return corrupt(`it is larger than ${MAX_ARCHIVE_BYTES / MIB} MiB decompressed`);
  return corrupt(`it cannot be decompressed (${error instanceof Error ? error.message : String(error)})`);
}

/** Reads and checks an archive held in memory; throws a clear error for anything wrong with it. */
export function readArchive(bytes: Buffer): Archive {
  let text: Buffer;
  try {
    text = gunzipSync(bytes, { maxOutputLength: MAX_ARCHIVE_BYTES });
  } catch (error) {
    throw decompressionError(error);
  }
  const reader = new ArchiveReader();
  reader.push(text);
  return reader.finish();
}

/** Reads and checks an archive file as it is decompressed, stopping at the first thing wrong. */
export async function readArchiveFile(file: FileHandle): Promise<Archive> {
  const source = file.createReadStream();
  const gunzip = createGunzip();
  source.once('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const reader = new ArchiveReader();
  try {
    for await (const chunk of gunzip) reader.push(chunk as Buffer);
  } catch (error) {
    throw decompressionError(error);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  return reader.finish();
}
