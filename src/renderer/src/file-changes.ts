// What a `write` or `edit` call does to its file, as a person reviews it: a unified diff with line
// numbers when the file's earlier text is known from the run's own events (an earlier write, edit or
// whole-file read), else the new text or the replaced lines alone. Commands and jobs can change any
// file, so after one the run's earlier texts count as unknown.
import { structuredPatch } from 'diff';
import type { RunEvent } from '../../shared/events';
import { isRecord } from './approval-input';

/** A file as it stood when a call ran (or, for a call still waiting, as it stands now). */
export interface FileBefore {
  /** Whether an earlier call of the run wrote, edited or read the path. */
  existed: boolean;
  /** Its text, when the run's events tell it. */
  content: string | undefined;
}

export interface DiffLine {
  kind: 'context' | 'added' | 'removed';
  oldLine: number | undefined;
  newLine: number | undefined;
  text: string;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export type FileChange =
  /** A write to a path no earlier call touched. */
  | { kind: 'new'; path: string; content: string }
  /** A write over a file whose earlier text the events do not hold. */
  | { kind: 'whole'; path: string; content: string }
  /** Line numbers are the file's when `numbered`; else the hunk is the edit's own text, unplaced. */
  | { kind: 'diff'; path: string; hunks: DiffHunk[]; numbered: boolean; added: number; removed: number };

/** Tools that only look: they leave the run's known file texts as they are. */
const lookOnly = new Set(['read', 'plan', 'job_status', 'job_logs']);
/** A diff that takes longer than this gives up and shows the new text whole. */
const DIFF_TIMEOUT_MS = 300;

export function normalizePath(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/^(\.\/)+/, '');
}

function stringField(args: unknown, key: string): string | undefined {
  return isRecord(args) && typeof args[key] === 'string' ? args[key] : undefined;
}

/** The text an edit leaves, or undefined when old_str is not there to replace. */
export function applyEdit(text: string, args: unknown): string | undefined {
  const oldText = stringField(args, 'old_str');
  const newText = stringField(args, 'new_str');
  if (oldText === undefined || newText === undefined || oldText === '' || !text.includes(oldText)) return undefined;
  const all = isRecord(args) && args.replace_all === true;
  return all ? text.split(oldText).join(newText) : text.replace(oldText, () => newText);
}

/** A whole file from a `read` output (`     1  line`), or undefined when it shows only part of one. */
export function readText(output: string): string | undefined {
  if (/\n\[… \d+ more lines: read with offset \d+\]$/.test(output)) return undefined;
  const lines: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^ *(\d+) {2}/.exec(line);
    if (match === null || Number(match[1]) !== lines.length + 1) return undefined;
    lines.push(line.slice(match[0].length));
  }
  return lines.join('\n');
}

/** For each write and edit call of a run, its file as it stood when the call ran (or would run). */
export function filesBefore(events: readonly RunEvent[]): Map<string, FileBefore> {
  const files = new Map<string, string | null>();
  const calls = new Map<string, { tool: string; args: unknown }>();
  const paths = new Map<string, string>();
  const rejected = new Set<string>();
  const before = new Map<string, FileBefore>();
  const snapshot = (path: string): FileBefore => ({
    existed: files.has(path),
    content: files.get(path) ?? undefined,
  });
  const note = (callId: string, tool: string, args: unknown): void => {
    const path = stringField(args, 'path');
    if ((tool !== 'write' && tool !== 'edit') || path === undefined) return;
    paths.set(callId, normalizePath(path));
    before.set(callId, snapshot(normalizePath(path)));
  };

  for (const event of events) {
    if (event.type === 'model.finished') {
      for (const call of event.payload.toolCalls) note(call.id, call.name, call.args);
    } else if (event.type === 'tool.started') {
      calls.set(event.payload.callId, { tool: event.payload.tool, args: event.payload.args });
      note(event.payload.callId, event.payload.tool, event.payload.args);
    } else if (event.type === 'approval.resolved' && event.payload.decision === 'rejected') {
      rejected.add(event.payload.callId);
    } else if (event.type === 'tool.finished' && !event.payload.isError) {
      const call = calls.get(event.payload.callId);
      if (call !== undefined) record(files, call.tool, call.args, event.payload.output);
    }
  }
  // Calls not yet run see the files as they are now.
  for (const [callId, path] of paths) {
    if (!calls.has(callId) && !rejected.has(callId)) before.set(callId, snapshot(path));
  }
  return before;
}

/** What a finished call tells about the workspace's files. */
function record(files: Map<string, string | null>, tool: string, args: unknown, output: unknown): void {
  const raw = stringField(args, 'path');
  const path = raw === undefined ? undefined : normalizePath(raw);
  if (tool === 'write' && path !== undefined) {
    files.set(path, stringField(args, 'content') ?? null);
  } else if (tool === 'edit' && path !== undefined) {
    const text = files.get(path);
    files.set(path, typeof text === 'string' ? (applyEdit(text, args) ?? null) : null);
  } else if (tool === 'read' && path !== undefined) {
    const offset = isRecord(args) ? args.offset : undefined;
    const text = typeof output === 'string' && (offset === undefined || offset === 1) ? readText(output) : undefined;
    if (text !== undefined) files.set(path, text);
  } else if (!lookOnly.has(tool)) {
    for (const key of files.keys()) files.set(key, null);
  }
}

/** What a write or edit with these (fully loaded) arguments changes; undefined for other calls. */
export function fileChange(tool: string, args: unknown, before: FileBefore | undefined): FileChange | undefined {
  const path = stringField(args, 'path');
  if (path === undefined) return undefined;
  const known = before?.content;
  if (tool === 'write') {
    const content = stringField(args, 'content');
    if (content === undefined) return undefined;
    if (known === undefined) return { kind: before?.existed === true ? 'whole' : 'new', path, content };
    return diffChange(path, known, content, true) ?? { kind: 'whole', path, content };
  }
  if (tool !== 'edit') return undefined;
  const oldText = stringField(args, 'old_str');
  const newText = stringField(args, 'new_str');
  if (oldText === undefined || newText === undefined) return undefined;
  const edited = known === undefined ? undefined : applyEdit(known, args);
  if (known !== undefined && edited !== undefined) {
    const change = diffChange(path, known, edited, true);
    if (change !== undefined) return change;
  }
  return diffChange(path, withNewline(oldText), withNewline(newText), false);
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function diffChange(path: string, before: string, after: string, numbered: boolean): FileChange | undefined {
  const patch = structuredPatch(path, path, before, after, undefined, undefined, {
    context: numbered ? 3 : Number.MAX_SAFE_INTEGER,
    timeout: DIFF_TIMEOUT_MS,
  });
  if (patch === undefined) return undefined;
  const hunks = patch.hunks.map((hunk): DiffHunk => {
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    const lines: DiffLine[] = [];
    for (const line of hunk.lines) {
      const text = line.slice(1);
      if (line.startsWith('+')) lines.push({ kind: 'added', oldLine: undefined, newLine: newLine++, text });
      else if (line.startsWith('-')) lines.push({ kind: 'removed', oldLine: oldLine++, newLine: undefined, text });
      else if (line.startsWith(' ')) lines.push({ kind: 'context', oldLine: oldLine++, newLine: newLine++, text });
    }
    const header = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
    return { header, lines };
  });
  const count = (kind: DiffLine['kind']) =>
    hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.kind === kind).length, 0);
  return { kind: 'diff', path, hunks, numbered, added: count('added'), removed: count('removed') };
}
