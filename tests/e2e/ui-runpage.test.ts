// The run page in Chromium over `looplab serve`, on the example run imported (finished, scored twice):
// the run list's metric column, the title and result in the header, the transcript as the first tab
// with its evaluation cards, an address that names the run and its step (reload and Back keep to it),
// panes that resize and keep their size, and the shortcuts and the example one key or click away.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile } from '../../src/main/runs/example';
import { readArchive } from '../../src/main/store/run-archive';
import { launchChromium, openServe, screenshotThemes, skipBrowser } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(skipBrowser)('the run page', () => {
  let home: TempHome;
  let serve: ChildProcess;
  let browser: Browser;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    home = makeTempHome();
    const imported = await runCli(['import', exampleFile(), '--home', home.paths.root]);
    expect(imported.code).toBe(0);
    runId = readArchive(readFileSync(exampleFile())).runId;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
    mkdirSync(screenshots, { recursive: true });
    serve = await openServe(page, home.paths.root);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    home?.remove();
  });

  const row = () => page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  const inspector = () => page.getByTestId('node-inspector');

  it('lists the run by its title with its final metric', async () => {
    await row().waitFor();
    expect(await row().getByTestId('run-goal').textContent()).toBe('text-classifier (train=train.csv, test=test.csv)');
    expect(await row().getByTestId('run-metric').textContent()).toBe('macro_f1 0.8929 ✓');
  });

  it('opens the run at its address, with the result in the header and the transcript first', async () => {
    await row().click();
    await page.getByTestId('run-detail').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}`);
    expect(await page.getByTestId('run-title').textContent()).toBe('text-classifier (train=train.csv, test=test.csv)');
    expect(await page.getByTestId('result-metric').textContent()).toBe('macro_f1 0.8929 ✓ ≥ 0.85');
    expect(await page.getByTestId('result-reason').textContent()).toContain('Target reached');
    // The goal in full is one click away.
    expect(await page.getByTestId('run-goal-full').count()).toBe(0);
    await page.getByTestId('toggle-goal').click();
    expect(await page.getByTestId('run-goal-full').textContent()).toContain('Train a text classifier on train.csv');
    await page.getByTestId('toggle-goal').click();
    await page.getByTestId('run-goal-full').waitFor({ state: 'detached' });

    expect(await page.getByTestId('view-transcript').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('evaluation-card').allTextContents()).toEqual([
      '✗Attempt 1 scored macro_f1 0.7931 — below the 0.85 target, trying again',
      '✓Attempt 2 scored macro_f1 0.8929 — reaches the 0.85 target',
    ]);
    // The harness taking the run back to evaluate it is not told as the run finishing twice.
    const statuses = page.locator('[data-testid="transcript-entry"][data-kind="note"]', { hasText: 'run.status' });
    expect(await statuses.count()).toBe(1);
    await page.getByTestId('view-events').click();
    await page.getByTestId('event-row').first().waitFor();
    await page.getByTestId('view-transcript').click();
  });

  it('names the selected step in the address; reload and Back keep to it', async () => {
    const evaluation = page.locator('[data-testid="graph-node"][data-kind="gate"]').first();
    await evaluation.click();
    await inspector().waitFor();
    const seq = Number(/\/(\d+)$/.exec(new URL(page.url()).hash)?.[1]);
    expect(seq).toBeGreaterThan(0);
    // An evaluation happens at one moment: done, and never "not finished".
    expect(await inspector().textContent()).not.toContain('not finished');
    const caption = await inspector().locator('.node-inspector-label').textContent();

    await page.reload();
    await inspector().waitFor();
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}/${seq}`);
    expect(await inspector().locator('.node-inspector-label').textContent()).toBe(caption);

    // A step is not a history entry of its own: Back leaves the run for the home screen, Forward returns.
    await page.goBack();
    await page.getByTestId('start-goal').waitFor();
    expect(await page.getByTestId('run-detail').count()).toBe(0);
    await page.goForward();
    await inspector().waitFor();
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}/${seq}`);
  });

  it('heads a search hit with its run and date, and opens the run at the hit’s step', async () => {
    await page.getByRole('searchbox').fill('predictions.csv');
    const hit = page.getByTestId('search-hit').first();
    await hit.waitFor();
    expect(await hit.getByTestId('search-hit-title').textContent()).toBe(
      'text-classifier (train=train.csv, test=test.csv)',
    );
    expect(await hit.getByTestId('search-hit-date').textContent()).toMatch(/^2026-11-27 \d\d:\d\d$/);
    const seq = Number(await hit.getAttribute('data-seq'));
    await hit.click();
    await inspector().waitFor();
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}/${seq}`);
    await page.keyboard.press('Escape');
    await page.getByRole('searchbox').fill('');
  });

  it('keeps resized panes across a reload, and a maximised pane', async () => {
    const graph = page.getByTestId('pane-graph');
    const before = (await graph.boundingBox())!.height;
    const divider = (await page.getByTestId('divider-horizontal').boundingBox())!;
    await page.mouse.move(divider.x + divider.width / 2, divider.y + divider.height / 2);
    await page.mouse.down();
    await page.mouse.move(divider.x + divider.width / 2, divider.y + 120, { steps: 5 });
    await page.mouse.up();
    const after = (await graph.boundingBox())!.height;
    expect(after).toBeGreaterThan(before + 60);

    await page.reload();
    await page.getByTestId('run-detail').waitFor();
    expect(Math.abs((await graph.boundingBox())!.height - after)).toBeLessThanOrEqual(2);

    await page.getByTestId('maximize-details').click();
    expect(await graph.isVisible()).toBe(false);
    await page.reload();
    await page.getByTestId('pane-details').waitFor();
    expect(await graph.isVisible()).toBe(false);
    await page.getByTestId('maximize-details').click();
    await graph.waitFor();
  });

  it('lists the shortcuts on ?, and keeps the example offered under Help', async () => {
    await page.locator('body').press('?');
    const shortcuts = page.getByTestId('shortcuts');
    await shortcuts.waitFor();
    expect(await shortcuts.textContent()).toContain('Search runs');
    await page.keyboard.press('Escape');
    await shortcuts.waitFor({ state: 'detached' });
    await page.getByTestId('open-help').click();
    await page.getByTestId('help-menu').getByTestId('replay-example').waitFor();
    await page.getByTestId('open-help').click();
  });

  it('looks right in both themes at two sizes', async () => {
    await screenshotThemes(page, join(screenshots, 'ui-runpage'));
    // A job's step opens the jobs panel beside the graph; its one-point metric reads as a number.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('[data-testid="graph-node"][data-kind="job"]').first().click();
    await page.getByTestId('jobs-panel').waitFor();
    expect(await page.getByTestId('jobs-panel').locator('canvas').count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `ui-runpage-job-${scheme}.png`) });
    }
    // Nothing on the graph covers its buttons.
    const legend = (await page.getByTestId('node-counts').boundingBox())!;
    const buttons = (await page.locator('.run-graph .graph-toolbar').boundingBox())!;
    const apart =
      legend.x + legend.width <= buttons.x ||
      buttons.x + buttons.width <= legend.x ||
      legend.y + legend.height <= buttons.y ||
      buttons.y + buttons.height <= legend.y;
    expect(apart).toBe(true);
  });
});
