// A UI test that replays the example run offline: a fresh data folder, Chromium, and `looplab serve` over
// the folder with no model server (a closed port) and the CI sandbox image. The three example tests
// (the example, its graph, its files) start the same way.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { closedPort } from '../fakes/collect';
import { CI_IMAGE } from '../fixtures/train-jobs';
import { launchChromium, openServe } from './browser';
import { makeTempHome, type TempHome } from './temp-home';

export const screenshotsDir = join(import.meta.dirname, '..', '..', 'test-results');

export interface OfflineServe {
  home: TempHome;
  browser: Browser;
  page: Page;
  serve: ChildProcess;
  close(): Promise<void>;
}

/** Serves a new data folder (`prepare` writes into it first, e.g. settings.json) in a page of this size. */
export async function serveOffline(
  viewport: { width: number; height: number },
  prepare: (home: TempHome) => void = () => undefined,
): Promise<OfflineServe> {
  const home = makeTempHome();
  prepare(home);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(15_000);
  mkdirSync(screenshotsDir, { recursive: true });
  const serve = await openServe(page, home.paths.root, {
    OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`,
    LOOPLAB_SANDBOX_IMAGE: CI_IMAGE,
  });
  return {
    home,
    browser,
    page,
    serve,
    async close() {
      await browser.close();
      serve.kill('SIGTERM');
      home.remove();
    },
  };
}
