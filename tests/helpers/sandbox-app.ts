// An app over a fresh data folder for each test of a loop in the real sandbox (the CI image), with its
// sandbox and job containers, the app and the folder removed after each. Call inside a describe; read `.app` in tests.
import Docker from 'dockerode';
import { afterEach, beforeEach } from 'vitest';
import { createApp, type App } from '../../src/main/app';
import { CI_IMAGE, removeHomeContainers } from '../fixtures/train-jobs';
import { makeTempHome, type TempHome } from './temp-home';

export interface SandboxApp {
  readonly app: App;
  readonly home: TempHome;
}

export function sandboxAppPerTest(prefix: string): SandboxApp {
  const docker = new Docker();
  const current: { app?: App; home?: TempHome } = {};
  beforeEach(() => {
    current.home = makeTempHome(prefix);
    process.env.LOOPLAB_SANDBOX_IMAGE = CI_IMAGE;
    current.app = createApp({ home: current.home.paths.root, ui: 'web' });
  });
  afterEach(async () => {
    const { app, home } = current;
    if (app !== undefined) {
      await removeHomeContainers(docker, app.sandbox.homeHash);
      await app.shutdown();
    }
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    home?.remove();
  });
  return {
    get app() {
      if (current.app === undefined) throw new Error('sandboxAppPerTest: the app exists only inside a test');
      return current.app;
    },
    get home() {
      if (current.home === undefined) throw new Error('sandboxAppPerTest: the folder exists only inside a test');
      return current.home;
    },
  };
}
