// The data folder opened for one command and closed when its work has settled. Each is imported when a
// command first needs it, so a command that only reads history never loads the run machinery (Docker,
// the model SDKs, MCP) that the whole app brings.
import type { Command } from 'commander';
import type { App } from '../app';
import { ensureHome, type HomePaths } from '../home';
import type { OpenedStore } from '../store/open-store';
import { homeOf } from './cli-options';

export interface DataFolder extends Pick<OpenedStore, 'store' | 'owners' | 'lifecycle'> {
  paths: HomePaths;
}

/**
 * The store alone, for commands that read or change history. 'read': for commands that only read it,
 * which still open on a full or read-only disk.
 */
export async function withStore<T>(
  command: Command,
  work: (folder: DataFolder) => T | Promise<T>,
  access: 'write' | 'read' = 'write',
): Promise<T> {
  const home = homeOf(command);
  const { openStore } = await import('../store/open-store');
  const paths = ensureHome(home);
  const opened = openStore(paths, { access });
  try {
    return await work({ paths, store: opened.store, owners: opened.owners, lifecycle: opened.lifecycle });
  } finally {
    opened.close();
  }
}

/** The whole app over the data folder, for work that needs more than the store (snapshots, sandboxes). */
export async function withApp<T>(command: Command, work: (app: App) => Promise<T>): Promise<T> {
  const home = homeOf(command);
  const { createApp } = await import('../app');
  const app = createApp({ home, ui: 'web' });
  try {
    return await work(app);
  } finally {
    app.close();
  }
}
