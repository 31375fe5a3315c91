// The data folder: the database, blobs, run workspaces and settings live here and nowhere else.
// Chosen by --home, else LOOPLAB_HOME, else the platform's app-data folder (Electron's userData).
import { mkdirSync } from 'node:fs';
import { AppError } from '../shared/errors';
import { dataFolderFailure } from './store/storage-errors';
import { homedir } from 'node:os';
import { join, posix, resolve, win32 } from 'node:path';

export const APP_NAME = 'Looplab';

export interface HomePaths {
  root: string;
  database: string;
  blobs: string;
  workspaces: string;
  settings: string;
  /** Answers of the Hugging Face Hub, kept so questions asked before work offline. */
  hubCache: string;
}

interface HomeSources {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  userHome?: string;
}

/** Where Electron's app.getPath('userData') points for an app named Looplab. */
export function platformDataFolder(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, userHome: string): string {
  if (platform === 'win32') return win32.join(env.APPDATA ?? win32.join(userHome, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return posix.join(userHome, 'Library', 'Application Support', APP_NAME);
  return posix.join(env.XDG_CONFIG_HOME ?? posix.join(userHome, '.config'), APP_NAME);
}

export function resolveHome(sources: HomeSources = {}): string {
  const env = sources.env ?? process.env;
  const chosen = sources.flag ?? (env.LOOPLAB_HOME === '' ? undefined : env.LOOPLAB_HOME);
  if (chosen !== undefined) return resolve(chosen);
  return platformDataFolder(sources.platform ?? process.platform, env, sources.userHome ?? homedir());
}

export function homePaths(root: string): HomePaths {
  return {
    root,
    database: join(root, 'looplab.db'),
    blobs: join(root, 'blobs'),
    workspaces: join(root, 'workspaces'),
    settings: join(root, 'settings.json'),
    hubCache: join(root, 'hub-cache'),
  };
}

export function ensureHome(root: string): HomePaths {
  const paths = homePaths(root);
  try {
    for (const dir of [paths.root, paths.blobs, paths.workspaces]) mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw (
      dataFolderFailure(error, root) ??
      new AppError(
        'unavailable',
        `Cannot create the data folder ${root}: ${error instanceof Error ? error.message : String(error)}`,
        'Check that its parent folder exists and is writable, or choose another data folder with --home or LOOPLAB_HOME.',
      )
    );
  }
  return paths;
}
