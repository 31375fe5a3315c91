// One run as one file, to move it between data folders: gzip'd JSON lines, a header (format and
// version), the events in order (large text as blob references), each referenced blob, and an end
// line with the count of lines before it and their sha256. Secrets are removed on the way out.
// Importing checks all of it before writing anything, then appends the events in one transaction, so
// the run comes back with the same id, events, seqs, times and blobs, or not at all.
import { gzipSync } from 'node:zlib';
import { open, type FileHandle } from 'node:fs/promises';
import { escapeBlobKey } from '../../shared/blob-keys';
import { AppError } from '../../shared/errors';
import { BLOB_PREVIEW_CHARS, type BlobRef, type EventDraft } from '../../shared/events';
import type { RunSummary } from '../../shared/run-summary';
import type { Redactor } from '../core/redact';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, readArchive, readArchiveFile, sha256, type Archive } from './archive-reader';
import { isLarge } from './blob-store';
import type { EventStore } from './event-store';
import { checkRecording } from './recording-check';

export { ARCHIVE_FORMAT, ARCHIVE_VERSION, readArchive };

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

export interface ImportOptions {
  allowMcp?: boolean;
}

/** Adds the archived run (bytes in memory) to the store, refusing when the file is wrong or the run is there. */
export function importRun(store: EventStore, bytes: Buffer, options: ImportOptions = {}): RunSummary {
  return addRun(store, readArchive(bytes), options);
}

/** Adds the run of an archive file, read as it is decompressed; see importRun. */
export async function importRunFile(store: EventStore, file: string, options: ImportOptions = {}): Promise<RunSummary> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    // A file that is not there is bad input, as a file that is not an export is.
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AppError(
      missing ? 'invalid_input' : 'not_found',
      missing
        ? `There is no file ${file} to import.`
        : `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      'Give the path of a file written by `looplab export`.',
    );
  }
  try {
    return addRun(store, await readArchiveFile(handle), options);
  } finally {
    await handle.close();
  }
}

/** Checks an archive's run and adds it, marked as recorded elsewhere, in one transaction. */
function addRun(store: EventStore, { runId, drafts }: Archive, options: ImportOptions): RunSummary {
  checkMcp(drafts, options);
  checkRecording(drafts);
  if (store.getRun(runId) !== undefined) {
    throw new AppError(
      'conflict',
      `${runId} is already in this data folder.`,
      'Nothing was imported. Delete that run first, or import into another data folder (--home).',
    );
  }
  store.sources.recording(runId, 'import', () => store.append(runId, drafts));
  return store.requireRun(runId);
}

/** A run's MCP servers start on this machine when it runs again: they come in only when trusted. */
function checkMcp(drafts: readonly EventDraft[], options: ImportOptions): void {
  const created = drafts.find((draft) => draft.type === 'run.created');
  const servers = created?.type === 'run.created' ? (created.payload.config?.mcpServers ?? []) : [];
  if (servers.length === 0 || options.allowMcp === true) return;
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
