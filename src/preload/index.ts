// The sandboxed preload: exposes exactly the contract's LooplabBridge as `window.api`, built from the
// channel lists, and refuses any channel not on them.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isPushChannel, isRequestChannel } from '../shared/channels';
import type { LooplabBridge } from '../shared/contract';

const api: LooplabBridge = {
  call(channel, input) {
    if (!isRequestChannel(channel)) return Promise.reject(new Error(`Unknown request channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, input);
  },
  subscribe(channel, listener) {
    if (!isPushChannel(channel)) throw new Error(`Unknown push channel ${String(channel)}`);
    const forward = (_event: IpcRendererEvent, payload: Parameters<typeof listener>[0]) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('api', Object.freeze(api));
