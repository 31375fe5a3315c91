// `looplab serve`: the UI in a browser, for a remote GPU box (reach it through an SSH tunnel) or a
// machine without Electron. Listens on 127.0.0.1 only; the printed link carries the session token.
// One server per data folder: a second `serve` of the same folder points at the one already running,
// and a port something else holds gives way to a free one, saying so.
import { spawn } from 'node:child_process';
import { createApp, tidySandboxes } from '../app';
import { openRunFile } from '../runs/run-files';
import { startWebServer, type WebServer } from '../web/server';
import { ensureRendererBuilt } from './renderer-build';
import { forgetServing, liveServing, rememberServing } from './serving-file';

export interface ServeOptions {
  home: string;
  port: number;
  open: boolean;
  write: (text: string) => void;
  /** Resolves when the server should stop; by default on SIGINT or SIGTERM. */
  until?: Promise<unknown>;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}

/** Opens the link in the system's browser, or says there is none to open it in. */
function openBrowser(url: string, write: (text: string) => void): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const noBrowser = (why: string) =>
    write(`No browser could be opened here (${command} ${why}): open the link above in a browser yourself.\n`);
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', (error: NodeJS.ErrnoException) =>
    noBrowser(error.code === 'ENOENT' ? 'is not installed' : `failed: ${error.message}`),
  );
  // On Windows explorer exits 1 even when it opened the page.
  child.on('exit', (code) => {
    if (code !== null && code !== 0 && process.platform !== 'win32') noBrowser(`exited with ${code}`);
  });
  child.unref();
}

/** The server on the port asked for, or on a free one when something else holds it. */
async function listenSomewhere(options: Parameters<typeof startWebServer>[0], write: (text: string) => void) {
  try {
    return await startWebServer(options);
  } catch (error) {
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'EADDRINUSE' || options.port === 0) throw error;
    const server = await startWebServer({ ...options, port: 0 });
    write(`Port ${options.port} is taken by another program; serving on port ${server.port} instead.\n`);
    return server;
  }
}

export async function serve(options: ServeOptions): Promise<void> {
  const running = await liveServing(options.home);
  if (running !== undefined) {
    options.write(`Looplab is already serving ${options.home} (process ${running.pid})\nOpen ${running.openUrl}\n`);
    if (options.open) openBrowser(running.openUrl, options.write);
    return;
  }
  const rendererDir = await ensureRendererBuilt((line) => options.write(`${line}\n`));
  const app = createApp({ home: options.home, ui: 'web', watchExternalMs: 500 });
  void tidySandboxes(app);
  let server: WebServer | undefined;
  try {
    server = await listenSomewhere(
      {
        handlers: app.handlers,
        pushes: app.pushes,
        rendererDir,
        port: options.port,
        runFile: (runId, path) => openRunFile(app.paths.workspaces, runId, path),
      },
      options.write,
    );
    rememberServing(app.paths.root, { pid: process.pid, port: server.port, openUrl: server.openUrl });
    options.write(`Looplab is serving ${app.paths.root}\nOpen ${server.openUrl}\n(Ctrl+C stops it)\n`);
    if (options.open) openBrowser(server.openUrl, options.write);
    await (options.until ?? untilSignal());
    await server.close();
  } finally {
    if (server !== undefined) forgetServing(app.paths.root, process.pid);
    await app.shutdown();
  }
}
