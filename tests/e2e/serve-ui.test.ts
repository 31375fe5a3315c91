// A person runs `looplab serve` on a data folder with recorded runs and opens the printed link in
// Chromium: the run list comes from the store through the web bridge, updates live when another
// process records a run, and search finds a run by its tool output.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/open-store';
import { runTitle } from '../../src/shared/run-title';
import { LARGE_OUTPUT_MARKER, recordSampleRun, SAMPLE_GOAL } from '../fixtures/sample-run';
import { launchChromium, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(skipBrowser)('looplab serve in Chromium', () => {
  let home: TempHome;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let openUrl: string;
  let firstRun: string;

  beforeAll(async () => {
    home = makeTempHome();
    const { store, close } = openStore(home.paths);
    recordSampleRun(store, 'Fine-tune a LoRA adapter on support.jsonl', 1_700_000_000_000);
    firstRun = recordSampleRun(store, SAMPLE_GOAL, 1_700_000_500_000);
    close();
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root]);
    openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    mkdirSync(screenshots, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    home?.remove();
  });

  it('lists the runs from the store, newest first', async () => {
    await page.goto(openUrl);
    const rows = page.getByTestId('run-row');
    await rows.first().waitFor();
    // Each run by its title: the goal's first clause when the goal is long.
    expect(await rows.getByTestId('run-goal').allTextContents()).toEqual([
      runTitle({ goal: SAMPLE_GOAL, spec: null }),
      'Fine-tune a LoRA adapter on support.jsonl',
    ]);
    expect(await rows.getByTestId('run-status').allTextContents()).toEqual(['finished', 'finished']);
    expect(await rows.first().getAttribute('data-run-id')).toBe(firstRun);
    expect(await page.getByTestId('home-path').textContent()).toContain(home.paths.root);
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: join(screenshots, 'serve-run-list.png') });
  });

  it('opens a run and shows its events in order', async () => {
    await page.getByTestId('run-row').first().click();
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    // The transcript comes first; the raw events are the other tab.
    await page.getByTestId('view-events').click();
    const seqs = await detail
      .getByTestId('event-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-seq')));
    expect(seqs).toEqual(Array.from({ length: 23 }, (_, index) => String(index)));
    expect(await detail.textContent()).toContain(SAMPLE_GOAL);
    await page.screenshot({ path: join(screenshots, 'serve-run-detail.png') });
  });

  it('shows a run recorded by another process without a reload', async () => {
    const { store, close } = openStore(home.paths);
    const live = store.createRun({
      goal: 'Evaluate three models on test.csv',
      model: 'openai/gpt-4o-mini',
      origin: 'new',
    });
    close();
    const row = page.locator(`[data-testid="run-row"][data-run-id="${live.runId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('run-goal').textContent()).toBe('Evaluate three models on test.csv');
    expect(await row.getByTestId('run-status').textContent()).toBe('running');
    expect(await page.getByTestId('run-row').count()).toBe(3);
  });

  it('finds a run by words in its tool output', async () => {
    await page.getByTestId('search-input').fill(LARGE_OUTPUT_MARKER);
    const hits = page.getByTestId('search-hit');
    await hits.first().waitFor();
    expect(await hits.count()).toBe(2);
    expect(await hits.first().textContent()).toContain(`${LARGE_OUTPUT_MARKER}: done`);
    await page.screenshot({ path: join(screenshots, 'serve-search.png') });
  });
});
