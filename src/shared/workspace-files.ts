// A run's files as its workspace snapshots recorded them: the listing at a step, one file's content to
// preview, and what changed between two steps. Only paths a snapshot lists can be read, so nothing
// outside the run's workspace ever is.
import { z } from 'zod';

const runId = z.string().regex(/^run_[0-9a-z]{1,64}$/, 'a run id looks like run_…');
/** A path inside the workspace: relative, without empty, "." or ".." parts. */
const workspacePath = z
  .string()
  .min(1, 'name the file')
  .max(4096)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.includes('\0') &&
      !path.includes('\\') &&
      path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'a path inside the run’s workspace, such as outputs/predictions.csv',
  );
/** The event whose snapshot (the latest at or before it) is meant; the run's latest when absent. */
const seq = z.number().int().min(0).optional();

export const workspaceFilesInput = z.object({ runId, seq }).strict();
export const workspaceFileInput = z.object({ runId, path: workspacePath, seq }).strict();
export const workspaceDiffInput = z
  .object({ runId, from: z.number().int().min(0), to: z.number().int().min(0) })
  .strict();

export interface WorkspaceEntry {
  path: string;
  kind: 'file' | 'dir' | 'link';
  /** Bytes, for a file. */
  size?: number;
  /** Where a link points (never followed). */
  target?: string;
}

/** A snapshot the run recorded: the step chooser's options. */
export interface WorkspaceSnapshotInfo {
  seq: number;
  time: number;
  files: number;
  bytes: number;
  /** Set when the workspace was not captured at that step, with why. */
  skipped?: string;
}

export interface WorkspaceListing {
  runId: string;
  /** The snapshot shown (its event's seq), or null when the run has none at or before the step asked. */
  seq: number | null;
  entries: WorkspaceEntry[];
  /** Files left out of the snapshot (one that holds a known secret value), with why. */
  withheld: { path: string; reason: string }[];
  snapshots: WorkspaceSnapshotInfo[];
  /** Why there is nothing to list, when there is nothing. */
  note?: string;
}

export type WorkspaceFile =
  | { path: string; size: number; seq: number; kind: 'text'; text: string; truncated: boolean }
  | { path: string; size: number; seq: number; kind: 'image'; mime: string; base64: string }
  | { path: string; size: number; seq: number; kind: 'binary' }
  | { path: string; size: number; seq: number; kind: 'too-large'; limit: number };

export interface WorkspaceChange {
  path: string;
  change: 'added' | 'removed' | 'modified';
  before?: number;
  after?: number;
}

export interface WorkspaceDiff {
  runId: string;
  /** The snapshots compared (their events' seqs), null where the run had none yet. */
  from: number | null;
  to: number | null;
  changes: WorkspaceChange[];
}

/** Text shown whole up to this size; past it, files read in rows show their beginning. */
export const TEXT_PREVIEW_BYTES = 1024 * 1024;
export const IMAGE_PREVIEW_BYTES = 5 * 1024 * 1024;

const imageTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};
/** Files whose beginning is worth showing when the whole is too large: read in rows or lines. */
const readInRows = new Set(['csv', 'tsv', 'txt', 'log', 'jsonl', 'md']);

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function imageType(path: string): string | undefined {
  return imageTypes[extensionOf(path)];
}

export function showsBeginning(path: string): boolean {
  return readInRows.has(extensionOf(path));
}
