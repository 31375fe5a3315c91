// Pushes from the main process to every UI: today, each committed batch of a run's events with the
// run's new summary. Hosts (Electron IPC, the web bridge's SSE) forward what this emits.
import type { PushChannel } from '../../shared/channels';
import type { PushTypes } from '../../shared/contract';
import type { EventStore } from '../store/event-store';

export type PushListener = <P extends PushChannel>(channel: P, payload: PushTypes[P]) => void;

export interface PushSource {
  subscribe(listener: PushListener): () => void;
}

export function storePushes(store: EventStore): PushSource {
  return {
    subscribe: (listener) => store.subscribe((batch) => listener('run.updated', batch)),
  };
}
