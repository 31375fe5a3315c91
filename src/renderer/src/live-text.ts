// The model's words as they stream (`run.delta`, not saved), per run: gathered from the moment the
// app connects, so a run opened mid-reply (or just started) misses nothing, and dropped as soon as
// the run records a model call starting or finishing, since that reply is then in its events.
import type { RunEvent } from '../../shared/events';

/** Enough to read along; older words scroll away (the recorded reply keeps them all). */
const MAX_CHARS = 20_000;

export type LiveTexts = ReadonlyMap<string, string>;

export function withDelta(texts: LiveTexts, runId: string, delta: string): LiveTexts {
  const text = (texts.get(runId) ?? '') + delta;
  return new Map(texts).set(runId, text.length > MAX_CHARS ? text.slice(-MAX_CHARS) : text);
}

/** The texts after a run recorded these events: a reply that started or finished clears its words. */
export function withEvents(texts: LiveTexts, runId: string, events: readonly RunEvent[]): LiveTexts {
  if (!texts.has(runId)) return texts;
  const boundary = events.some((event) => event.type === 'model.started' || event.type === 'model.finished');
  if (!boundary) return texts;
  const next = new Map(texts);
  next.delete(runId);
  return next;
}
