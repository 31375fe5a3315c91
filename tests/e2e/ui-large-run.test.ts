// A long recorded run (2,000 graph nodes, 4,000 events) opens in Chromium with its newest steps drawn
// and only what is in view rendered, answers a click on a node, and stops following when panned. How
// fast it opens is measured by the benchmarks, not here: these machines are shared and noisy.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/open-store';
import { longRunDrafts, TURNS } from '../fixtures/long-run';
import { launchChromium, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
describe.skipIf(skipBrowser)('a 2,000-node run in Chromium', () => {
  let home: TempHome;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    home = makeTempHome();
    const { store, close } = openStore(home.paths);
    runId = store.createRun(
      { goal: 'A long loop', model: 'ollama/qwen2.5-coder:7b', origin: 'new' },
      1_700_000_000_000,
    ).runId;
    store.append(runId, longRunDrafts(1_700_000_000_000));
    close();
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root]);
    const openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    mkdirSync(screenshots, { recursive: true });
    await page.goto(openUrl);
    await page.getByTestId('run-row').first().waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    home?.remove();
  });

  it('opens on its beginning with the minimap for the rest, selects a node at once, and follows on demand', async () => {
    await page.getByTestId('run-row').first().click();
    // Too long to read whole: the overview shows where the loop begins, at a readable zoom.
    const first = page.locator('[data-testid="graph-node"][data-node-id="model:model_0"]');
    await first.waitFor();
    const last = page.locator(`[data-testid="graph-node"][data-node-id="model:model_${TURNS - 1}"]`);
    expect(await last.count()).toBe(0);
    await page.getByRole('img', { name: 'Minimap of the run graph' }).waitFor();

    // Only what is in view is drawn: one step node per model turn, its calls inside.
    const drawn = await page.getByTestId('graph-node').count();
    expect(drawn).toBeGreaterThan(3);
    expect(drawn).toBeLessThan(60);
    expect(await page.getByTestId('node-counts').textContent()).toBe(`${TURNS} steps1333 calls`);
    expect(await first.getByTestId('graph-call').count()).toBe(1);

    await first.click();
    await page.getByTestId('node-inspector').filter({ hasText: 'Step 0: running' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'ui-large-run.png') });

    // Follow brings the newest step into view; panning away stops following.
    const follow = page.getByTestId('run-graph').getByRole('button', { name: 'Follow' });
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    await follow.click();
    await last.waitFor();
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    const box = (await page.getByTestId('run-graph').boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, box.y + box.height / 2 + 400, { steps: 8 });
    await page.mouse.up();
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    expect(await last.isVisible()).toBe(false);
    await follow.click();
    await last.waitFor();
  });
});
