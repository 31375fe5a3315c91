// The home screen in Chromium: how long from navigation until a person can start a run (the runs
// listed, the start form's button enabled), beside a one-button page in the same browser; and how much
// JavaScript that costs: the entry chunk and what the home screen loads, beside all the renderer's.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { rendererDir } from '../src/main/cli/renderer-build';
import { report } from './report';

const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Milliseconds from navigation start until `ready` (page source text) holds, read on the page's own
 * clock at the first animation frame it does; and the bytes of JavaScript the page fetched by then.
 */
async function timeToReady(page: Page, url: string, ready: string): Promise<{ ms: number; scriptBytes: number }> {
  await page.goto(url, { waitUntil: 'commit' });
  // Source text, not a function: the TypeScript runner's helpers do not exist in the page, and the
  // app's CSP refuses the eval that waitForFunction would need.
  return page.evaluate(`new Promise((resolve) => {
    const tick = () => {
      if (!(${ready})) return requestAnimationFrame(tick);
      const scripts = performance
        .getEntriesByType('resource')
        .filter((entry) => /\\.m?js$/.test(new URL(entry.name).pathname));
      resolve({ ms: performance.now(), scriptBytes: scripts.reduce((sum, entry) => sum + entry.encodedBodySize, 0) });
    };
    tick();
  })`);
}

const HOME_READY = `document.querySelector('[data-testid="start-submit"]:not([disabled])') !== null &&
  document.querySelector('[data-testid="run-row"]') !== null`;

/** The JavaScript of the built renderer: the entry chunk index.html loads, and all chunks together. */
function bundleSizes(): { entry: number; total: number } {
  const dir = rendererDir();
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.?\/?([^"]+)"/.exec(html)?.[1];
  if (entry === undefined) throw new Error(`no module script in ${join(dir, 'index.html')}`);
  const assets = join(dir, 'assets');
  const total = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .reduce((sum, name) => sum + statSync(join(assets, name)).size, 0);
  return { entry: statSync(join(dir, entry)).size, total };
}

export async function benchHome(browser: Browser, openUrl: string): Promise<void> {
  const blankUrl = `${new URL(openUrl).origin}/bench-blank`;
  const homes = [];
  const blanks = [];
  for (let round = 0; round <= ROUNDS; round++) {
    // A fresh page each time: the app's URL differs only in its fragment, which would not navigate.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.route(blankUrl, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><button id="start">Start</button>' }),
    );
    const home = await timeToReady(page, openUrl, HOME_READY);
    const blank = await timeToReady(page, blankUrl, `document.querySelector('#start') !== null`);
    await page.close();
    if (round === 0) continue; // warm-up: the browser's own first start
    homes.push(home);
    blanks.push(blank);
  }
  report('home screen time to interactive in Chromium', median(homes.map((home) => home.ms)), 'ms', {
    label: 'a one-button page in the same browser',
    value: median(blanks.map((blank) => blank.ms)),
  });
  const sizes = bundleSizes();
  // The run view, settings, markdown, highlighting and charts load when first shown, not before.
  report(
    'JavaScript the home screen loads',
    median(homes.map((home) => home.scriptBytes)) / 1024,
    'KB',
    { label: "all the renderer's chunks", value: sizes.total / 1024 },
    { target: '≤ 300 KB', met: (value) => value <= 300 },
  );
  report('renderer entry chunk', sizes.entry / 1024, 'KB', {
    label: "all the renderer's chunks",
    value: sizes.total / 1024,
  });
}
