// Pushes from the main process to every UI: each committed batch of a run's events with the run's new
// summary, and the model's words as they stream. Hosts (Electron IPC, the web bridge's SSE) forward
// what the hub emits.
import type { PushChannel } from '../../shared/channels';
import type { PushTypes } from '../../shared/contract';
import type { EventStore } from '../store/event-store';

export type PushListener = <P extends PushChannel>(channel: P, payload: PushTypes[P]) => void;

export interface PushSource {
  subscribe(listener: PushListener): () => void;
}

export interface PushHub extends PushSource {
  emit<P extends PushChannel>(channel: P, payload: PushTypes[P]): void;
}

export function createPushHub(store: EventStore): PushHub {
  const listeners = new Set<PushListener>();
  const hub: PushHub = {
    emit: (channel, payload) => {
      for (const listener of listeners) listener(channel, payload);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  store.subscribe((batch) => hub.emit('run.updated', batch));
  return hub;
}
