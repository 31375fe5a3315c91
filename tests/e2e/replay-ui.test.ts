// In Chromium over `looplab serve`: the Replay button of a finished run lists what the replay will run
// where, and once confirmed starts it (no model server) and opens it; picking the run and its replay in the list and pressing Compare shows the
// two side by side with no step differing; Export downloads the run's file.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/main/app';
import { createRunLoop } from '../../src/main/runs/run-loop';
import { openStore } from '../../src/main/store/open-store';
import type { EventDraft } from '../../src/shared/events';
import { newId } from '../../src/shared/ids';
import { loopConfigSchema } from '../../src/shared/loop-config';
import { launchChromium, screenshotThemes, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { ScriptedModel } from '../helpers/scripted-model';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

/** A finished run on this machine's runtime: its commands asked, and were approved. */
async function recordHostRun(home: TempHome): Promise<string> {
  const app = createApp({ home: home.paths.root, ui: 'web' });
  try {
    const config = loopConfigSchema.parse({ runtime: 'host' });
    const runId = app.store.createRun({ goal: 'Count the lines', model: 'scripted/test', origin: 'new', config }).runId;
    const model = new ScriptedModel([
      { calls: [{ name: 'write', args: { path: 'data.txt', content: 'a\nb\n' } }] },
      { calls: [{ name: 'bash', args: { command: 'wc -l < data.txt' } }] },
      { text: 'Two lines.' },
    ]);
    const outcome = await createRunLoop({
      app,
      runId,
      model: {
        name: 'scripted/test',
        provider: model,
        model: 'test',
        info: { contextLength: 32_768, supportsTools: true },
      },
      models: {
        resolve: () => ({ provider: model, model: 'test' }),
        readiness: async () => model.check(),
        price: () => 0,
      },
      config,
      gate: { decide: async () => ({ decision: 'approved' }) },
    }).run(new AbortController().signal);
    expect(outcome.status).toBe('finished');
    return runId;
  } finally {
    await app.shutdown();
  }
}

/** The run's events under a new id, appended with no record of where they came from. */
function copyWithoutOrigin(home: TempHome, runId: string): string {
  const { store, close } = openStore(home.paths);
  try {
    const copy = newId('run');
    store.append(
      copy,
      store.loadEvents(runId).map(({ type, payload, time }) => ({ type, payload, time }) as EventDraft),
    );
    return copy;
  } finally {
    close();
  }
}

describe.skipIf(skipBrowser)('replay, compare and export in the UI', () => {
  let home: TempHome;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let sourceRunId: string;
  let replayRunId: string;
  let unknownRunId: string;

  beforeAll(async () => {
    home = makeTempHome();
    sourceRunId = await recordHostRun(home);
    unknownRunId = copyWithoutOrigin(home, sourceRunId);
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root], {
      env: { OLLAMA_HOST: 'http://127.0.0.1:9' },
    });
    const openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await page.goto(openUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    home?.remove();
  });

  it(
    'replays a finished run and opens the replay, which finishes without a model server',
    { timeout: 60_000 },
    async () => {
      await page.locator(`[data-testid="run-row"][data-run-id="${sourceRunId}"]`).click();
      await page.locator(`[data-testid="run-detail"][data-run-id="${sourceRunId}"]`).waitFor();
      await page.getByTestId('replay-run').click();
      // What it will run where, before anything runs: recorded here, on this machine's runtime.
      const confirm = page.getByTestId('replay-confirm');
      await confirm.waitFor();
      expect(await confirm.getByTestId('replay-plan').textContent()).toBe(
        'Commands run on this machine, as you (every command asks first).No network.No MCP servers.',
      );
      expect(await confirm.getByTestId('replay-from-elsewhere').count()).toBe(0);
      await confirm.getByTestId('replay-confirm-start').click();
      const detail = page
        .locator('[data-testid="run-detail"]')
        .filter({ hasNot: page.locator(`[data-run-id="${sourceRunId}"]`) });
      await page.waitForFunction(
        (source) => {
          const element = document.querySelector('[data-testid="run-detail"]');
          return element !== null && element.getAttribute('data-run-id') !== source;
        },
        sourceRunId,
        { timeout: 30_000 },
      );
      replayRunId = (await detail.first().getAttribute('data-run-id'))!;
      expect(replayRunId).toMatch(/^run_/);
      const row = page.locator(`[data-testid="run-row"][data-run-id="${replayRunId}"]`);
      await row.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor({ timeout: 30_000 });
    },
  );

  it(
    'lists what a run from elsewhere needs granted; cancelling starts nothing, confirming grants just that',
    { timeout: 60_000 },
    async () => {
      await page.locator(`[data-testid="run-row"][data-run-id="${unknownRunId}"]`).click();
      await page.locator(`[data-testid="run-detail"][data-run-id="${unknownRunId}"]`).waitFor();
      const runs = await page.getByTestId('run-row').count();
      await page.getByTestId('replay-run').click();
      const confirm = page.getByTestId('replay-confirm');
      await confirm.waitFor();
      expect(await confirm.getByTestId('replay-from-elsewhere').textContent()).toBe(
        'This run was recorded elsewhere (its origin is unknown). Replaying it runs its recorded tool calls here, with what is listed below.',
      );
      expect(await confirm.getByTestId('replay-plan').textContent()).toBe(
        'Commands run on this machine, as you (every command asks first).No network.No MCP servers.',
      );
      // What a person sees before a run from elsewhere replays: light and dark, both window sizes.
      mkdirSync(screenshots, { recursive: true });
      await screenshotThemes(page, join(screenshots, 'replay-confirm'));
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 800 });
      await confirm.getByTestId('replay-confirm-cancel').click();
      expect(await page.getByTestId('replay-confirm').count()).toBe(0);
      expect(await page.getByTestId('run-row').count()).toBe(runs);
      await page.getByTestId('replay-run').click();
      await page.getByTestId('replay-confirm-start').click();
      await page.waitForFunction(
        (source) => document.querySelector('[data-testid="run-detail"]')?.getAttribute('data-run-id') !== source,
        unknownRunId,
        { timeout: 30_000 },
      );
    },
  );

  it('compares the run with its replay: same steps, side by side', { timeout: 60_000 }, async () => {
    await page.locator(`[data-testid="run-row"][data-run-id="${sourceRunId}"]`).getByTestId('compare-pick').check();
    await page.locator(`[data-testid="run-row"][data-run-id="${replayRunId}"]`).getByTestId('compare-pick').check();
    await page.getByTestId('compare-runs').click();
    const view = page.getByTestId('compare-view');
    await view.getByTestId('compare-verdict').waitFor();
    expect(await view.getByTestId('compare-verdict').textContent()).toBe('The runs take the same 5 steps.');
    expect(
      await view.getByTestId('compare-step').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-match'))),
    ).toEqual(['same', 'same', 'same', 'same', 'same']);
    expect(await view.getByTestId('compare-figures').textContent()).toContain('replay');
  });

  it('exports a run as a file the browser downloads', { timeout: 60_000 }, async () => {
    await page.locator(`[data-testid="run-row"][data-run-id="${sourceRunId}"]`).click();
    await page.locator(`[data-testid="run-detail"][data-run-id="${sourceRunId}"]`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
    expect(download.suggestedFilename()).toBe(`${sourceRunId}.looplab.gz`);
    const path = join(home.paths.root, 'download.gz');
    await download.saveAs(path);
    const header = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8').split('\n')[0]!) as { runId: string };
    expect(header.runId).toBe(sourceRunId);
  });
});
