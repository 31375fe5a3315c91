// The app window, locked down as Electron's security checklist asks: context isolation, a sandboxed
// renderer without Node, no navigation away from the app, no new windows, and no permission but
// notifications (an approval waiting while the window is in the background) for the app's own pages.
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WindowPaths {
  preload: string;
  rendererIndex: string;
  /** Set in development by electron-vite: the renderer's dev server. */
  devServerUrl?: string | undefined;
}

/**
 * Whether a URL is the app's own: the dev server's exact origin, or a file inside the renderer's folder
 * (compared by whole origin and folder, so `…/renderer-evil/` or `localhost:5173.evil.com` do not pass).
 */
export function isTrustedUrl(paths: WindowPaths, url: string): boolean {
  if (!URL.canParse(url)) return false;
  const target = new URL(url);
  if (paths.devServerUrl !== undefined) return target.origin === new URL(paths.devServerUrl).origin;
  const folder = pathToFileURL(join(paths.rendererIndex, '..', '/')).href;
  return target.protocol === 'file:' && target.href.startsWith(folder);
}

/** Links that may leave the app for the person's browser: well-formed https URLs, nothing else. */
export function isExternalLink(url: string): boolean {
  return URL.canParse(url) && new URL(url).protocol === 'https:';
}

/**
 * Opens a page in the person's browser (a link in a run, an MCP server's sign-in page) when it is a
 * well-formed https: address; anything else is refused, and says so.
 */
export async function openExternalLink(url: string): Promise<void> {
  if (!isExternalLink(url)) throw new Error(`Looplab opens only https pages in the browser, not ${url.slice(0, 200)}.`);
  await shell.openExternal(url);
}

/** The only permission the app's own pages get: notifications. Camera, clipboard, location… never. */
export function grantsPermission(paths: WindowPaths, permission: string, url: string | undefined): boolean {
  return permission === 'notifications' && url !== undefined && isTrustedUrl(paths, url);
}

export function lockDownSession(paths: WindowPaths): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(grantsPermission(paths, permission, details.requestingUrl)),
  );
  // A file: page's origin is only "file://": the page's own URL says whether it is the app's.
  session.defaultSession.setPermissionCheckHandler((contents, permission, _origin, details) =>
    grantsPermission(paths, permission, details.requestingUrl ?? contents?.getURL()),
  );
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
      // A middle click would otherwise open a link past the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(paths, url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void openExternalLink(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  if (paths.devServerUrl !== undefined) void window.loadURL(paths.devServerUrl);
  else void window.loadFile(paths.rendererIndex);
  return window;
}
