// The Electron window, session and IPC as locked down in src/main/electron, checked in Node: Electron's
// binary cannot start here, so `electron` is a recording stand-in that keeps every option, handler and
// call the app gives it, and the test plays the renderer's part (navigations, window.open, IPC from
// trusted and untrusted frames). The web bridge's loopback and token rules are checked over real HTTP.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestChannels } from '../../src/shared/channels';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

interface Recorded {
  windows: { options: { webPreferences: Record<string, unknown> }; handlers: Map<string, Handler> }[];
  openHandler?: (details: { url: string }) => { action: string };
  opened: string[];
  ipc: Map<string, (event: unknown, input: unknown) => unknown>;
  permissionRequest?: (
    contents: unknown,
    permission: string,
    callback: (granted: boolean) => void,
    details: { requestingUrl?: string },
  ) => void;
  permissionCheck?: (
    contents: { getURL(): string },
    permission: string,
    origin: string,
    details: { requestingUrl?: string },
  ) => boolean;
}
type Handler = (event: { preventDefault(): void }, url: string) => void;

const recorded = vi.hoisted((): Recorded => ({ windows: [], opened: [], ipc: new Map() })) as Recorded;

vi.mock('electron', () => {
  class BrowserWindow {
    readonly webContents: unknown;
    constructor(options: Recorded['windows'][number]['options']) {
      const handlers = new Map<string, Handler>();
      recorded.windows.push({ options, handlers });
      this.webContents = {
        on: (name: string, handler: Handler) => handlers.set(name, handler),
        setWindowOpenHandler: (handler: Recorded['openHandler']) => (recorded.openHandler = handler),
      };
    }
    once(): void {}
    loadFile(): Promise<void> {
      return Promise.resolve();
    }
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: (url: string) => void recorded.opened.push(url) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Recorded['permissionRequest']) => (recorded.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Recorded['permissionCheck']) => (recorded.permissionCheck = handler),
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, input: unknown) => unknown) =>
        recorded.ipc.set(channel, handler),
      removeHandler: (channel: string) => recorded.ipc.delete(channel),
    },
  };
});

const { createWindow, isTrustedUrl, lockDownSession } = await import('../../src/main/electron/window');
const { registerIpc } = await import('../../src/main/electron/ipc');
const { createApp } = await import('../../src/main/app');
const { startWebServer } = await import('../../src/main/web/server');

const rendererIndex = '/opt/Looplab/resources/app/out/renderer/index.html';
const paths = { preload: '/opt/Looplab/resources/app/out/preload/index.cjs', rendererIndex };
const appPage = pathToFileURL(rendererIndex).href;

/** What a navigation to the URL comes to: 'blocked' when the app prevents it. */
function navigate(url: string, event = 'will-navigate'): 'allowed' | 'blocked' {
  let prevented = false;
  recorded.windows.at(-1)!.handlers.get(event)!({ preventDefault: () => (prevented = true) }, url);
  return prevented ? 'blocked' : 'allowed';
}

describe('electron window', () => {
  beforeEach(() => {
    recorded.windows.length = 0;
    recorded.opened.length = 0;
    createWindow(paths);
  });

  it('runs the renderer isolated and sandboxed, without Node, with web security on', () => {
    expect(recorded.windows[0]!.options.webPreferences).toEqual({
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('stays on its own pages: navigation anywhere else is blocked', () => {
    expect(navigate(appPage)).toBe('allowed');
    expect(navigate(`${appPage}#/runs/run_1`)).toBe('allowed');
    expect(navigate(pathToFileURL('/opt/Looplab/resources/app/out/renderer/assets/x.html').href)).toBe('allowed');
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:7317/',
      'file:///etc/passwd',
      pathToFileURL('/opt/Looplab/resources/app/out/renderer-evil/index.html').href,
      `${pathToFileURL('/opt/Looplab/resources/app/out/renderer').href}/../../../../../etc/passwd`,
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'not a url',
    ])
      expect([url, navigate(url)]).toEqual([url, 'blocked']);
  });

  it('opens no window: https links go to the browser, anything else nowhere', () => {
    const urls = [
      'https://huggingface.co/papers',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'https//missing-colon',
    ];
    expect(urls.map((url) => recorded.openHandler!({ url }))).toEqual(urls.map(() => ({ action: 'deny' })));
    expect(recorded.opened).toEqual(['https://huggingface.co/papers']);
  });

  it('trusts the dev server by its exact origin only', () => {
    const dev = { ...paths, devServerUrl: 'http://localhost:5173' };
    expect(isTrustedUrl(dev, 'http://localhost:5173/#/runs')).toBe(true);
    expect(isTrustedUrl(dev, 'http://localhost:5173.evil.example/')).toBe(false);
    expect(isTrustedUrl(dev, 'http://localhost:51730/')).toBe(false);
    expect(isTrustedUrl(dev, 'https://localhost:5173/')).toBe(false);
  });

  it('grants the app’s own pages notifications only, and other pages nothing', () => {
    lockDownSession(paths);
    const own = pathToFileURL(paths.rendererIndex).href;
    const answers = (url: string) =>
      ['notifications', 'media', 'clipboard-read', 'geolocation', 'openExternal'].map((permission) => {
        let granted: boolean | undefined;
        recorded.permissionRequest!({}, permission, (answer) => (granted = answer), { requestingUrl: url });
        return [permission, granted, recorded.permissionCheck!({ getURL: () => url }, permission, 'file://', {})];
      });
    expect(answers(own)).toEqual([
      ['notifications', true, true],
      ['media', false, false],
      ['clipboard-read', false, false],
      ['geolocation', false, false],
      ['openExternal', false, false],
    ]);
    expect(answers('https://evil.example/').every(([, granted, checked]) => !granted && !checked)).toBe(true);
  });

  it('carries a CSP that allows only the app’s own scripts', () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'renderer', 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((part) => part.trim().split(/\s+/) as [string, ...string[]])
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('electron IPC', () => {
  let home: TempHome;
  let app: ReturnType<typeof createApp>;
  let dispose: () => void;

  beforeEach(() => {
    home = makeTempHome();
    app = createApp({ home: home.paths.root, ui: 'electron' });
    dispose = registerIpc(
      app.handlers,
      app.pushes,
      () => [],
      (url) => isTrustedUrl(paths, url),
    );
  });

  afterEach(() => {
    dispose();
    app.close();
    home.remove();
  });

  const invoke = (channel: string, url: string | undefined, input: unknown = {}) =>
    recorded.ipc.get(channel)!(url === undefined ? { senderFrame: null } : { senderFrame: { url } }, input);

  it('handles exactly the contract’s channels, and only for the app’s own frames', async () => {
    expect([...recorded.ipc.keys()]).toEqual([...requestChannels]);
    expect(await invoke('runs.list', appPage)).toEqual({ ok: true, value: [] });
    for (const url of ['https://evil.example/', 'file:///tmp/page.html', '', undefined])
      expect(await invoke('runs.list', url)).toEqual({
        ok: false,
        error: { code: 'invalid_input', message: 'Refused runs.list from an untrusted frame.' },
      });
  });

  it('validates what a trusted frame sends before any handler sees it', async () => {
    expect(await invoke('runs.get', appPage, { runId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('runId') },
    });
  });

  it('removes every handler when disposed', () => {
    dispose();
    expect(recorded.ipc.size).toBe(0);
    dispose = () => undefined;
  });
});

describe('web bridge', () => {
  let home: TempHome;
  let app: ReturnType<typeof createApp>;
  let server: Awaited<ReturnType<typeof startWebServer>>;

  beforeEach(async () => {
    home = makeTempHome();
    app = createApp({ home: home.paths.root, ui: 'web' });
    server = await startWebServer({ handlers: app.handlers, pushes: app.pushes, rendererDir: home.paths.root });
  });

  afterEach(async () => {
    await server.close();
    app.close();
    home.remove();
  });

  it('listens on 127.0.0.1 only: the machine’s other addresses refuse the connection', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    // Each address of this machine but loopback; a link-local IPv6 one is reached through its interface.
    const addresses = () =>
      Object.entries(networkInterfaces()).flatMap(([name, found = []]) =>
        found
          .filter((address) => !address.internal)
          .map((address) =>
            address.family === 'IPv6' && address.address.startsWith('fe80:')
              ? `${address.address}%${name}`
              : address.address,
          ),
      );
    const others = addresses();
    expect(others.length).toBeGreaterThan(0);
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const req = httpRequest({
          host: address,
          port: server.port,
          path: '/api/call/app.info',
          method: 'POST',
          timeout: 5000,
        });
        req.on('response', (response) => resolve(`answered ${response.statusCode}`));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.on('timeout', () => req.destroy(Object.assign(new Error('no answer'), { code: 'TIMEOUT' })));
        req.end('{}');
      });
      // Another test's container can go away meanwhile, and its interface's address with it.
      if (outcome === 'TIMEOUT' && !addresses().includes(address)) continue;
      expect([address, outcome]).toEqual([
        address,
        expect.stringMatching(/^(ECONNREFUSED|EADDRNOTAVAIL|EINVAL|ENETUNREACH)$/),
      ]);
    }
  });

  it('makes a new unguessable token per session and wants it for calls and the event stream', async () => {
    const other = await startWebServer({ handlers: app.handlers, pushes: app.pushes, rendererDir: home.paths.root });
    await other.close();
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
    expect(other.token).not.toBe(server.token);
    expect(server.openUrl).toBe(`${server.url}/#token=${server.token}`);
    const call = (token: string) =>
      fetch(`${server.url}/api/call/app.info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: '{}',
      });
    expect((await call(server.token)).status).toBe(200);
    expect((await call(other.token)).status).toBe(401);
    expect((await call(server.token.slice(0, -1))).status).toBe(401);
    expect((await fetch(`${server.url}/api/events`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/events?token=${other.token}`)).status).toBe(401);
  });
});
