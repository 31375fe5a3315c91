// The Electron composition root: it only wires services together. Everything behind it is tested in
// Node; see docs/ARCHITECTURE.md.
import { app, BrowserWindow, dialog, shell } from 'electron';
import { join } from 'node:path';
import { formatError, AppError } from '../shared/errors';
import { createApp, tidySandboxes, type App } from './app';
import { registerIpc } from './electron/ipc';
import { desktopSecretStore } from './electron/safe-storage';
import { createWindow, isTrustedUrl, lockDownSession, openExternalLink, type WindowPaths } from './electron/window';

app.setName('Looplab');
if (process.env.LOOPLAB_HOME !== undefined && process.env.LOOPLAB_HOME !== '') {
  app.setPath('userData', process.env.LOOPLAB_HOME);
}

// One app per data folder (Electron keeps the lock in userData, set just above): a second start
// focuses the window already open instead of opening the same store twice.
if (!app.requestSingleInstanceLock()) app.exit(0);
app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window === undefined) return;
  if (window.isMinimized()) window.restore();
  window.focus();
});

const paths: WindowPaths = {
  preload: join(import.meta.dirname, '../preload/index.cjs'),
  rendererIndex: join(import.meta.dirname, '../renderer/index.html'),
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
};

let looplab: App | undefined;
let disposeIpc: (() => void) | undefined;

function start(): void {
  lockDownSession(paths);
  looplab = createApp({
    home: app.getPath('userData'),
    ui: 'electron',
    watchExternalMs: 500,
    // Set by `npm start`: better-sqlite3 built for Electron's ABI, kept apart from Node's build.
    nativeBinding: process.env.LOOPLAB_SQLITE_BINDING,
    // Only ever given paths inside a run's workspace, checked by the handlers.
    desktop: { reveal: (path) => shell.showItemInFolder(path), open: (path) => shell.openPath(path) },
    // API keys encrypted by the OS keychain (safeStorage is ready once the app is).
    secrets: desktopSecretStore,
    // An MCP server's sign-in page, in the person's browser.
    openUrl: (url) => openExternalLink(url.href),
  });
  void tidySandboxes(looplab);
  disposeIpc = registerIpc(
    looplab.handlers,
    looplab.pushes,
    () => BrowserWindow.getAllWindows(),
    (url) => isTrustedUrl(paths, url),
  );
  createWindow(paths);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    const message = error instanceof AppError ? formatError(error.toInfo()) : String(error);
    dialog.showErrorBox('Looplab could not start', message);
    app.exit(1);
  });

app.on('activate', () => {
  if (looplab !== undefined && BrowserWindow.getAllWindows().length === 0) createWindow(paths);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Live runs are interrupted and record it before the store closes; the quit then goes on.
let quitting = false;
app.on('will-quit', (event) => {
  if (quitting || looplab === undefined) return;
  quitting = true;
  event.preventDefault();
  disposeIpc?.();
  void looplab.shutdown().finally(() => app.quit());
});
