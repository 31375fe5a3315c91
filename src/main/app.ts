// What every host (Electron, the CLI, the web server) builds first: the data folder, the store, the
// request handlers and the push source over it.
import type { AppInfo } from '../shared/contract';
import { createHandlers, type Handlers } from './api/handlers';
import { createPushHub, type PushSource } from './api/push';
import { ensureHome, type HomePaths } from './home';
import { costOf } from './providers/prices';
import { createProviders } from './providers/registry';
import { RunManager } from './runs/run-manager';
import type { ModelResolver } from './runs/readiness';
import { loadSettings } from './settings';
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
  runs: RunManager;
  handlers: Handlers;
  pushes: PushSource;
  /** Closes the store; for commands that started no run. */
  close(): void;
  /** Interrupts live runs, waits for them to record it, then closes the store. */
  shutdown(): Promise<void>;
}

/** Providers from the environment and prices from settings.json, read when a run starts. */
function modelResolver(paths: HomePaths, env: NodeJS.ProcessEnv): ModelResolver {
  const providers = createProviders(env);
  const { prices } = loadSettings(paths);
  return { ...providers, price: (name, usage) => costOf(name, usage, prices) ?? 0 };
}

export function createApp(options: AppOptions): App {
  const paths = ensureHome(options.home);
  const opened = openStore(paths, { nativeBinding: options.nativeBinding });
  const info: AppInfo = { version: appVersion(), home: paths.root, host: options.host };
  const pushes = createPushHub(opened.store);
  const host = { paths, store: opened.store, owners: opened.owners };
  const runs = new RunManager(
    host,
    () => modelResolver(paths, process.env),
    (runId, text) => pushes.emit('run.delta', { runId, text }),
  );
  const watcher =
    options.watchExternalMs === undefined
      ? undefined
      : setInterval(() => opened.store.pollExternal(), options.watchExternalMs);
  watcher?.unref();
  const close = () => {
    clearInterval(watcher);
    opened.close();
  };
  return {
    ...host,
    runs,
    handlers: createHandlers({ store: opened.store, runs, info }),
    pushes,
    close,
    shutdown: async () => {
      await runs.close();
      close();
    },
  };
}
