// One place that hears `run.delta` and `run.updated` for the whole window and keeps each run's
// streaming words; components read their run's text with `useSyncExternalStore`, so 200 words a
// second re-render only the text that changed.
import type { LooplabBridge } from '../../shared/contract';
import { withDelta, withEvents, type LiveTexts } from './live-text';
import { createWindowStore } from './window-store';

const texts = createWindowStore<LiveTexts>(new Map());

/** Starts listening; returns the function that stops. */
export function connectLiveText(bridge: LooplabBridge): () => void {
  const offDelta = bridge.subscribe('run.delta', ({ runId, text }) =>
    texts.update(withDelta(texts.get(), runId, text)),
  );
  const offUpdate = bridge.subscribe('run.updated', ({ run, events }) =>
    texts.update(withEvents(texts.get(), run.id, events)),
  );
  return () => {
    offDelta();
    offUpdate();
  };
}

export const subscribeLiveText = texts.subscribe;

export function liveTextOf(runId: string): string {
  return texts.get().get(runId) ?? '';
}
