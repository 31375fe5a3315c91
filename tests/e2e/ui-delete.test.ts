// Keeping the data folder bounded from the UI of `looplab serve` in Chromium: the selected run's
// Delete asks first, in its row, and removes the run from the list; a live run's Delete is disabled;
// settings list the largest runs with their disk use. Screenshots in light and dark.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/open-store';
import { recordBlobRun } from '../fixtures/blob-runs';
import { launchChromium, openServe, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(skipBrowser)('deleting runs in Chromium', () => {
  let home: TempHome;
  let serveProcess: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;
  let runs: { a: string; b: string; live: string };

  beforeAll(async () => {
    home = makeTempHome();
    const opened = openStore(home.paths);
    const a = await recordBlobRun(opened, home.paths, 'a');
    const b = await recordBlobRun(opened, home.paths, 'b');
    // Leased to this test's process, which is alive: a live run.
    const live = opened.store.createRun({ goal: 'still recording', model: 'scripted/test', origin: 'new' }).runId;
    opened.close();
    runs = { a, b, live };
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    mkdirSync(screenshots, { recursive: true });
    serveProcess = await openServe(page, home.paths.root);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    home?.remove();
  });

  const row = (runId: string) => page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);

  it('asks in the row, deletes, and refuses a live run', async () => {
    await row(runs.live).click();
    expect(await row(runs.live).getByTestId('run-delete').isDisabled()).toBe(true);

    await row(runs.a).click();
    await row(runs.a).getByTestId('run-delete').click();
    await row(runs.a).getByTestId('run-delete-confirm').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `run-delete-confirm-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await row(runs.a).getByTestId('run-delete-confirm').click();
    await row(runs.a).waitFor({ state: 'detached' });
    await row(runs.b).waitFor();
    expect(await page.getByTestId('run-row').count()).toBe(2);
  }, 120_000);

  it('shows the largest runs with their disk use in settings', async () => {
    await page.getByTestId('open-settings').click();
    const table = page.getByTestId('storage-runs');
    await table.waitFor();
    expect(await table.getByTestId('storage-run').count()).toBe(2);
    expect(await table.getByTestId('storage-run').first().textContent()).toContain(runs.b);
    await table.scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `settings-disk-use-${scheme}.png`) });
    }
  }, 120_000);
});
