// Electron's side of the contract: one ipcMain handler per request channel, all through `dispatch`
// (which validates input with zod), accepting only the app's own frames; pushes go to every window.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { requestChannels } from '../../shared/channels';
import { dispatch, type Handlers } from '../api/handlers';
import type { PushSource } from '../api/push';

export function registerIpc(
  handlers: Handlers,
  pushes: PushSource,
  windows: () => BrowserWindow[],
  isTrustedUrl: (url: string) => boolean,
): () => void {
  for (const channel of requestChannels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, input: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        return { ok: false, error: { code: 'invalid_input', message: `Refused ${channel} from an untrusted frame.` } };
      }
      return dispatch(handlers, channel, input);
    });
  }
  const unsubscribe = pushes.subscribe((channel, payload) => {
    for (const window of windows()) {
      if (!window.isDestroyed()) window.webContents.send(channel, payload);
    }
  });
  return () => {
    unsubscribe();
    for (const channel of requestChannels) ipcMain.removeHandler(channel);
  };
}
