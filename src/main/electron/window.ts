// The app window, locked down as Electron's security checklist asks: context isolation, a sandboxed
// renderer without Node, no navigation away from the app, no new windows, no permissions.
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WindowPaths {
  preload: string;
  rendererIndex: string;
  /** Set in development by electron-vite: the renderer's dev server. */
  devServerUrl?: string | undefined;
}

export function appUrl(paths: WindowPaths): string {
  return paths.devServerUrl ?? pathToFileURL(paths.rendererIndex).href;
}

export function isTrustedUrl(paths: WindowPaths, url: string): boolean {
  const base = appUrl(paths);
  if (paths.devServerUrl !== undefined) return url.startsWith(new URL(base).origin);
  return url.startsWith(pathToFileURL(join(paths.rendererIndex, '..')).href);
}

export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function createWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Looplab',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(paths, url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  if (paths.devServerUrl !== undefined) void window.loadURL(paths.devServerUrl);
  else void window.loadFile(paths.rendererIndex);
  return window;
}
