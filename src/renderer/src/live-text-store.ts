// One place that hears `run.delta` and `run.updated` for the whole window and keeps each run's
// streaming words; components read their run's text with `useSyncExternalStore`, so 200 words a
// second re-render only the text that changed.
import type { LooplabBridge } from '../../shared/contract';
import { withDelta, withEvents, type LiveTexts } from './live-text';

let texts: LiveTexts = new Map();
const listeners = new Set<() => void>();

function update(next: LiveTexts): void {
  if (next === texts) return;
  texts = next;
  for (const listener of listeners) listener();
}

/** Starts listening; returns the function that stops. */
export function connectLiveText(bridge: LooplabBridge): () => void {
  const offDelta = bridge.subscribe('run.delta', ({ runId, text }) => update(withDelta(texts, runId, text)));
  const offUpdate = bridge.subscribe('run.updated', ({ run, events }) => update(withEvents(texts, run.id, events)));
  return () => {
    offDelta();
    offUpdate();
  };
}

export function subscribeLiveText(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function liveTextOf(runId: string): string {
  return texts.get(runId) ?? '';
}
