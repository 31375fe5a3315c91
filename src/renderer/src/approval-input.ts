// The input a pending tool call was asked with, and the pieces of an edit-then-approve: the fields a
// person edits for the common tools, blob references swapped for their full text, and JSON checked
// before it is sent back as `editedInput`.
import { unescapeBlobKey } from '../../shared/blob-keys';
import { findBlobRefs } from '../../shared/describe-event';
import { isBlobRef, type RunEvent } from '../../shared/events';

export type ToolInput = Record<string, unknown>;

/** The arguments the model gave a call, from its `model.finished` event (or `tool.started`). */
export function originalInput(events: readonly RunEvent[], callId: string): unknown {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    if (event.type === 'model.finished') {
      const call = event.payload.toolCalls.find((item) => item.id === callId);
      if (call !== undefined) return call.args;
    }
    if (event.type === 'tool.started' && event.payload.callId === callId) return event.payload.args;
  }
  return undefined;
}

/** The blobs whose text an input needs before it can be edited. */
export function blobHashes(value: unknown): string[] {
  return [...new Set(findBlobRefs(value, '').map(({ ref }) => ref.$blob))];
}

/**
 * A copy of a stored value (events as the app sends them, with references) with every blob reference
 * replaced by its loaded text and escaped keys given back, as the store would (shared/blob-keys.ts).
 */
export function replaceBlobRefs(value: unknown, texts: ReadonlyMap<string, string>): unknown {
  if (isBlobRef(value)) return texts.get(value.$blob) ?? value.preview;
  if (Array.isArray(value)) return value.map((item) => replaceBlobRefs(item, texts));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [unescapeBlobKey(key), replaceBlobRefs(item, texts)]),
  );
}

export interface EditorField {
  key: string;
  label: string;
  multiline: boolean;
}

const toolFields: Record<string, EditorField[]> = {
  write: [
    { key: 'path', label: 'Path', multiline: false },
    { key: 'content', label: 'Content', multiline: true },
  ],
  edit: [
    { key: 'path', label: 'Path', multiline: false },
    { key: 'old_str', label: 'Replace', multiline: true },
    { key: 'new_str', label: 'With', multiline: true },
  ],
  bash: [{ key: 'command', label: 'Command', multiline: true }],
};

/** Fields to edit this call's input by; none (edit the JSON) when the input does not fit them. */
export function editorFields(tool: string, input: unknown): EditorField[] {
  const fields = toolFields[tool] ?? [];
  if (!isRecord(input)) return [];
  return fields.every((field) => typeof input[field.key] === 'string') ? fields : [];
}

export function isRecord(value: unknown): value is ToolInput {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Parsed = { ok: true; value: ToolInput } | { ok: false; error: string };

/** A tool's input typed as JSON: it must parse, and be an object. */
export function parseInputJson(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isRecord(value)) return { ok: false, error: 'The input must be a JSON object, like {"path": "…"}.' };
  return { ok: true, value };
}

export function formatInputJson(input: unknown): string {
  return JSON.stringify(input ?? {}, null, 2);
}
