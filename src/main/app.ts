// What every host (Electron, the CLI, the web server) builds first: the data folder, the store, the
// request handlers and the push source over it.
import type { AppInfo } from '../shared/contract';
import { createHandlers, type Handlers } from './api/handlers';
import { storePushes, type PushSource } from './api/push';
import { ensureHome, type HomePaths } from './home';
import { openStore, type OpenedStore } from './store/open-store';
import { appVersion } from './version';

export interface AppOptions {
  home: string;
  host: AppInfo['host'];
  nativeBinding?: string | undefined;
  /** Publish events that other processes (a `looplab` command) commit, checking this often (ms). */
  watchExternalMs?: number;
}

export interface App {
  paths: HomePaths;
  store: OpenedStore['store'];
  owners: OpenedStore['owners'];
  handlers: Handlers;
  pushes: PushSource;
  close(): void;
}

export function createApp(options: AppOptions): App {
  const paths = ensureHome(options.home);
  const opened = openStore(paths, { nativeBinding: options.nativeBinding });
  const info: AppInfo = { version: appVersion(), home: paths.root, host: options.host };
  const watcher =
    options.watchExternalMs === undefined
      ? undefined
      : setInterval(() => opened.store.pollExternal(), options.watchExternalMs);
  watcher?.unref();
  return {
    paths,
    store: opened.store,
    owners: opened.owners,
    handlers: createHandlers({ store: opened.store, info }),
    pushes: storePushes(opened.store),
    close: () => {
      clearInterval(watcher);
      opened.close();
    },
  };
}
