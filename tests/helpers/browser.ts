// Debian's Chromium for UI tests. Where LOOPLAB_REQUIRE_BROWSER=1 (CI), a missing browser fails the
// suite instead of skipping it.
import { existsSync, mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnCli, waitForLine } from './cli';

const candidates = [process.env.LOOPLAB_CHROMIUM, '/usr/bin/chromium', '/usr/lib/chromium/chromium'];

export const chromiumPath = candidates.find(
  (path): path is string => path !== undefined && path !== '' && existsSync(path),
);
export const browserRequired = process.env.LOOPLAB_REQUIRE_BROWSER === '1';
/** True when browser tests should be skipped: no Chromium here and none required. */
export const skipBrowser = chromiumPath === undefined && !browserRequired;

export async function launchChromium(): Promise<Browser> {
  if (chromiumPath === undefined) {
    throw new Error('Chromium is required (LOOPLAB_REQUIRE_BROWSER=1) but not installed: apt-get install -y chromium');
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Starts `looplab serve` on a free port for the data folder and opens its UI in the page. */
export async function openServe(page: Page, home: string, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const serve = spawnCli(['serve', '--port', '0', '--home', home], { env });
  const openUrl = (await waitForLine(serve, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
  await page.goto(openUrl);
  return serve;
}

/**
 * Chromium on the UI `looplab serve` gives for the data folder: a 1440×900 page waiting up to 15 s for
 * what it looks for, and the folder for screenshots made.
 */
export async function openServeInChromium(
  home: string,
  env: NodeJS.ProcessEnv,
  screenshots: string,
): Promise<{ browser: Browser; page: Page; serve: ChildProcess }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  mkdirSync(screenshots, { recursive: true });
  return { browser, page, serve: await openServe(page, home, env) };
}

/** Screenshots of the page as it is, light and dark at 1440×900 and 1280×720, named `<prefix>-<width>-<scheme>.png`. */
export async function screenshotThemes(page: Page, prefix: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `${prefix}-${width}-${scheme}.png` });
    }
  }
}
