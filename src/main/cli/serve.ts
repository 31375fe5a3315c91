// `looplab serve`: the UI in a browser, for a remote GPU box (reach it through an SSH tunnel) or a
// machine without Electron. Listens on 127.0.0.1 only; the printed link carries the session token.
import { spawn } from 'node:child_process';
import { createApp, tidySandboxes } from '../app';
import { openRunFile } from '../runs/run-files';
import { startWebServer } from '../web/server';
import { ensureRendererBuilt } from './renderer-build';

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

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export async function serve(options: ServeOptions): Promise<void> {
  const rendererDir = await ensureRendererBuilt((line) => options.write(`${line}\n`));
  const app = createApp({ home: options.home, host: 'web', watchExternalMs: 500 });
  void tidySandboxes(app);
  try {
    const server = await startWebServer({
      handlers: app.handlers,
      pushes: app.pushes,
      rendererDir,
      port: options.port,
      runFile: (runId, path) => openRunFile(app.paths.workspaces, runId, path),
    });
    options.write(`Looplab is serving ${app.paths.root}\nOpen ${server.openUrl}\n(Ctrl+C stops it)\n`);
    if (options.open) openBrowser(server.openUrl);
    await (options.until ?? untilSignal());
    await server.close();
  } finally {
    await app.shutdown();
  }
}
