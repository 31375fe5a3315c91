// One run as one file, to move it between data folders: gzip'd JSON lines, a header (format and
// version), the events in order (large text as blob references), each referenced blob, and an end
// line with the count of lines before it and their sha256. Secrets are removed on the way out.
// Importing checks all of it before writing anything, then appends the events in one transaction, so
// the run comes back with the same id, events, seqs, times and blobs, or not at all.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { runIdSchema } from '../../shared/contract';
import { escapeBlobKey, isStoredRef, unescapeBlobKey } from '../../shared/blob-keys';
import { AppError } from '../../shared/errors';
import { BLOB_PREVIEW_CHARS, isBlobRef, parseDraft, type BlobRef, type EventDraft } from '../../shared/events';
import type { RunSummary } from '../../shared/run-summary';
import type { Redactor } from '../core/redact';
import { isLarge } from './blob-store';
import type { EventStore } from './event-store';

export const ARCHIVE_FORMAT = 'looplab-run';
export const ARCHIVE_VERSION = 1;

const headerSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.number().int(),
  runId: runIdSchema,
  events: z.number().int().nonnegative(),
  blobs: z.number().int().nonnegative(),
  exportedAt: z.number().int(),
});
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

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Replaces large strings by blob references, collecting their text (as the store would). */
function toRefs(value: unknown, blobs: Map<string, string>): unknown {
  if (typeof value === 'string') {
    if (!isLarge(value)) return value;
    const hash = sha256(value);
    blobs.set(hash, value);
    const ref: BlobRef = { $blob: hash, size: Buffer.byteLength(value), preview: value.slice(0, BLOB_PREVIEW_CHARS) };
    return ref;
  }
  if (Array.isArray(value)) return value.map((item) => toRefs(item, blobs));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [escapeBlobKey(key), toRefs(item, blobs)]));
  return value;
}

/** The inverse of toRefs: an object with the key `$blob` is the file's own reference (keys as in blob-keys.ts). */
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

/** The run as the bytes of an archive file, with secrets removed. */
export function exportRun(store: EventStore, runId: string, redact: Redactor, now = Date.now()): Buffer {
  store.requireRun(runId);
  const blobs = new Map<string, string>();
  const events = store.loadEvents(runId).map(({ seq, time, type, payload }) => ({
    seq,
    time,
    type,
    payload: toRefs(redact.value(payload), blobs),
  }));
  const header = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    runId,
    events: events.length,
    blobs: blobs.size,
    exportedAt: now,
  };
  const lines = [
    JSON.stringify(header),
    ...events.map((event) => JSON.stringify({ event })),
    ...[...blobs].map(([hash, text]) => JSON.stringify({ blob: { hash, text } })),
  ];
  const body = lines.map((line) => `${line}\n`).join('');
  const end = JSON.stringify({ end: { lines: lines.length, sha256: sha256(body) } });
  return gzipSync(`${body}${end}\n`);
}

function corrupt(detail: string): AppError {
  return new AppError(
    'invalid_input',
    `This is not a complete Looplab run file: ${detail}.`,
    'Export the run again (looplab export <run-id>) and copy the whole file.',
  );
}

function parseLine<T>(schema: z.ZodType<T>, line: string | undefined, what: string): T {
  if (line === undefined) throw corrupt(`${what} is missing`);
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

interface Archive {
  runId: string;
  drafts: EventDraft[];
}

/** Reads and checks an archive completely; throws a clear error for anything wrong with it. */
export function readArchive(bytes: Buffer): Archive {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw corrupt(`it cannot be decompressed (${error instanceof Error ? error.message : String(error)})`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const first = parseLine(z.object({ format: z.string(), version: z.number() }), lines[0], 'the header');
  if (first.format !== ARCHIVE_FORMAT) throw corrupt('the header does not name the looplab-run format');
  if (first.version !== ARCHIVE_VERSION) {
    throw new AppError(
      'invalid_input',
      `This run file has format version ${first.version}; this Looplab reads version ${ARCHIVE_VERSION}.`,
      first.version > ARCHIVE_VERSION ? 'Update Looplab to import it.' : 'Export it again with this Looplab.',
    );
  }
  const header = parseLine(headerSchema, lines[0], 'the header');
  const end = parseLine(endLineSchema, lines.at(-1), 'the end line').end;
  const body = lines.slice(0, -1);
  if (end.lines !== body.length || end.lines !== 1 + header.events + header.blobs)
    throw corrupt('it has a different number of lines than it says');
  if (sha256(body.map((line) => `${line}\n`).join('')) !== end.sha256) throw corrupt('its checksum does not match');
  const blobs = new Map<string, string>();
  for (const line of body.slice(1 + header.events)) {
    const { hash, text: blob } = parseLine(blobLineSchema, line, 'a blob line').blob;
    if (sha256(blob) !== hash) throw corrupt(`blob ${hash} does not match its hash`);
    blobs.set(hash, blob);
  }
  const drafts = body.slice(1, 1 + header.events).map((line, index): EventDraft => {
    const { event } = parseLine(eventLineSchema, line, `event ${index}`);
    if (event.seq !== index) throw corrupt(`event ${index} has seq ${event.seq}`);
    try {
      return parseDraft({ type: event.type, payload: fromRefs(event.payload, blobs), time: event.time });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw corrupt(`event ${index} (${event.type}) is not a valid event`);
    }
  });
  if (drafts[0]?.type !== 'run.created') throw corrupt('its first event is not run.created');
  return { runId: header.runId, drafts };
}

/** Adds the archived run to the store, refusing when the file is wrong or the run is already there. */
export function importRun(store: EventStore, bytes: Buffer, options: { allowMcp?: boolean } = {}): RunSummary {
  const { runId, drafts } = readArchive(bytes);
  // A run's MCP servers start on this machine when it is resumed, replayed or forked: a run from
  // elsewhere brings them only when the person says they trust them.
  const created = drafts.find((draft) => draft.type === 'run.created');
  const servers = created?.type === 'run.created' ? (created.payload.config?.mcpServers ?? []) : [];
  if (servers.length > 0 && options.allowMcp !== true) {
    const named = servers
      .map((server) =>
        server.transport === 'stdio'
          ? `${server.name} (${[server.command, ...(server.args ?? [])].join(' ')})`
          : `${server.name} (${server.url})`,
      )
      .join(', ');
    throw new AppError(
      'invalid_input',
      `This run names MCP servers that would start on this machine when it is resumed, replayed or forked: ${named}. Nothing was imported.`,
      'Import it with --allow-mcp if you trust those commands and addresses.',
    );
  }
  if (store.getRun(runId) !== undefined) {
    throw new AppError(
      'conflict',
      `${runId} is already in this data folder.`,
      'Nothing was imported. Delete that run first, or import into another data folder (--home).',
    );
  }
  store.append(runId, drafts);
  return store.requireRun(runId);
}
