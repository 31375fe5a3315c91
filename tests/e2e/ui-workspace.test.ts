// The replayed example run in Chromium over `looplab serve`: its Files tab lists every file of its
// workspace and previews the predictions it wrote as a table; compared with its source it takes the
// same steps (the job ids a replay makes anew aside); and a fork of it starts with the model in
// Settings, saying that the recording's scripted model cannot go on live.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile } from '../../src/main/runs/example';
import { readArchive } from '../../src/main/store/run-archive';
import { ciImagePresent, missingImageMessage } from '../fixtures/train-jobs';
import { skipBrowser } from '../helpers/browser';
import { screenshotsDir, serveOffline, type OfflineServe } from '../helpers/offline-serve';
import { dockerRequired, requireDocker, skipDocker } from '../helpers/docker';

const screenshots = process.env.LOOPLAB_SHOTS ?? screenshotsDir;
const present = ciImagePresent();
const SETTINGS_MODEL = 'ollama/llama3.2:3b';
const sizes = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

describe.skipIf(skipBrowser || skipDocker || (!present && !dockerRequired))(
  'the example run’s files, compare and fork',
  () => {
    let served: OfflineServe | undefined;
    let page: Page;
    let exampleId: string;
    let replayId: string;

    /** Screenshots of what is on screen now, in both themes and both window sizes. */
    async function shoot(name: string): Promise<void> {
      for (const size of sizes)
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.setViewportSize(size);
          await page.emulateMedia({ colorScheme });
          await page.screenshot({ path: join(screenshots, `ui-${name}-${colorScheme}-${size.width}.png`) });
        }
      await page.setViewportSize(sizes[0]);
    }

    beforeAll(async () => {
      requireDocker();
      if (!present) throw new Error(missingImageMessage);
      served = await serveOffline(sizes[0], (home) =>
        writeFileSync(home.paths.settings, JSON.stringify({ defaultModel: SETTINGS_MODEL })),
      );
      page = served.page;
      mkdirSync(screenshots, { recursive: true });

      exampleId = readArchive(readFileSync(exampleFile())).runId;
      await page.getByTestId('replay-example').click();
      const replay = page.locator(`[data-testid="run-detail"]:not([data-run-id="${exampleId}"])`);
      await replay.waitFor({ timeout: 30_000 });
      replayId = (await replay.getAttribute('data-run-id'))!;
      await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor({ timeout: 120_000 });
    }, 300_000);

    afterAll(async () => {
      await served?.close();
    });

    it('lists the replay’s files and previews its predictions as a table', { timeout: 60_000 }, async () => {
      // The jobs panel says where the files a job wrote outside outputs/ are, and links there.
      await page.getByTestId('jobs-toggle').click();
      const where = page.getByTestId('artifacts-where');
      expect(await where.textContent()).toContain('This job saved nothing under outputs/.');
      await where.getByTestId('open-files-tab').click();
      await page.getByTestId('jobs-toggle').click();
      expect(await page.getByTestId('view-files').getAttribute('aria-selected')).toBe('true');
      const files = page.getByTestId('workspace-files');
      await files.waitFor();
      const paths = await files
        .getByTestId('workspace-file')
        .evaluateAll((items) => items.map((item) => item.dataset.path));
      expect(paths).toEqual(expect.arrayContaining(['train.py', 'predictions.csv']));

      await files.locator('[data-testid="workspace-file"][data-path="predictions.csv"]').click();
      const table = page.getByTestId('workspace-csv');
      await table.waitFor();
      expect(await table.locator('thead th').allTextContents()).toEqual(['id', 'label']);
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
      await shoot('workspace-csv');

      await files.locator('[data-testid="workspace-file"][data-path="train.py"]').click();
      await page.locator('[data-testid="workspace-preview"][data-path="train.py"] code.language-python').waitFor();
      expect(await page.getByTestId('workspace-preview').textContent()).toContain('predictions.csv');
      await shoot('workspace-code');
      // The code stays inside the window at the smaller size.
      await page.setViewportSize(sizes[1]);
      const code = (await page.locator('[data-testid="workspace-preview"] pre').boundingBox())!;
      expect(code.x + code.width).toBeLessThanOrEqual(sizes[1].width);
      await page.setViewportSize(sizes[0]);

      await page.getByTestId('workspace-mode-changes').click();
      const changes = page.getByTestId('workspace-change');
      await changes.first().waitFor();
      expect(await changes.evaluateAll((items) => items.map((item) => item.dataset.change))).toContain('modified');
      await page.locator('[data-testid="workspace-change"][data-change="modified"]').first().click();
      await page.getByTestId('file-diff').waitFor();
      await shoot('workspace-diff');
    });

    it('compares the replay with its source and finds no divergence', { timeout: 60_000 }, async () => {
      for (const id of [replayId, exampleId])
        await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="compare-pick"]`).check();
      await page.getByTestId('compare-runs').click();
      const view = page.getByTestId('compare-view');
      await view.getByTestId('compare-verdict').waitFor();
      const verdict = await view.getByTestId('compare-verdict').textContent();
      expect(verdict).toMatch(/^The runs take the same \d+ steps\.$/);
      const matches = await view
        .getByTestId('compare-step')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-match')));
      expect(new Set(matches)).toEqual(new Set(['same']));
      const metric = view.locator('[data-testid="compare-metric"][data-metric="macro_f1"]');
      expect(await metric.getAttribute('data-winner')).toBe('same');
      // Column B ends inside the pane.
      const pane = (await view.boundingBox())!;
      const lastCell = (await view.locator('[data-testid="compare-step"] td').last().boundingBox())!;
      expect(lastCell.x + lastCell.width).toBeLessThanOrEqual(pane.x + pane.width + 1);
      await shoot('compare');
      await page.getByTestId('close-compare').click();
    });

    it('forks the example with the Settings model and says why not its scripted one', { timeout: 60_000 }, async () => {
      await page.locator(`[data-testid="run-row"][data-run-id="${replayId}"]`).click();
      await page.locator(`[data-testid="run-detail"][data-run-id="${replayId}"]`).waitFor();
      await page.locator('[data-testid="graph-node"][data-kind="step"]').first().click();
      await page.getByTestId('fork-open').click();
      const model = page.getByTestId('fork-model');
      await page.getByTestId('fork-model-hint').filter({ hasText: 'The default model in Settings.' }).waitFor();
      expect(await model.inputValue()).toBe(SETTINGS_MODEL);
      expect(await page.getByTestId('fork-model-hint').textContent()).toContain(
        'scripted/example-agent, a scripted model that only replays the recording and cannot continue live',
      );
      await shoot('fork');
      // The form stays inside the window at the smaller size.
      await page.setViewportSize(sizes[1]);
      const form = (await page.getByTestId('fork-form').boundingBox())!;
      expect(form.x + form.width).toBeLessThanOrEqual(sizes[1].width);
      await page.setViewportSize(sizes[0]);
      await page.getByTestId('fork-model').fill('scripted/example-agent');
      await page.getByTestId('fork-submit').click();
      const refusal = page.getByTestId('fork-form').getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain(
        'scripted/example-agent is a recording’s scripted model: it replays what was recorded and cannot continue live.',
      );
      await shoot('fork-refused');
    });
  },
);
