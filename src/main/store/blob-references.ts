// Which blobs the event log refers to: every blob reference in a payload, and for each workspace
// snapshot its manifest and the files the manifest lists. What the garbage collector keeps.
import { isBlobRef } from '../../shared/events';
import type { BlobStore } from './blob-store';
import { manifestSchema } from './workspace-snapshot';

export interface EventRowPayload {
  type: string;
  payload: string;
}

/** Adds the hashes one stored event refers to. A manifest that cannot be read adds only itself. */
export function addReferences(row: EventRowPayload, blobs: BlobStore, into: Set<string>): void {
  const payload: unknown = JSON.parse(row.payload);
  walk(payload, into);
  if (row.type !== 'workspace.snapshot') return;
  const manifest = (payload as { manifest?: unknown }).manifest;
  if (typeof manifest !== 'string' || into.has(`manifest:${manifest}`)) return;
  into.add(manifest);
  into.add(`manifest:${manifest}`);
  for (const hash of manifestFiles(blobs, manifest)) into.add(hash);
}

function manifestFiles(blobs: BlobStore, hash: string): string[] {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(blobs.read(hash)));
    if (!parsed.success) return [];
    return parsed.data.entries.flatMap((entry) => (entry.kind === 'file' ? [entry.hash] : []));
  } catch {
    return [];
  }
}

function walk(value: unknown, into: Set<string>): void {
  if (typeof value !== 'object' || value === null) return;
  if (isBlobRef(value)) {
    into.add(value.$blob);
    return;
  }
  for (const item of Array.isArray(value) ? value : Object.values(value)) walk(item, into);
}
