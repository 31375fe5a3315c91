// A fresh install in Chromium over `looplab serve`, with no model server anywhere: the empty home screen
// offers the recorded example; replaying it opens the replay, whose graph fills as its tools run again
// in the Docker sandbox, and which finishes with the harness's score on the evaluation nodes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile } from '../../src/main/runs/example';
import { readArchive } from '../../src/main/store/run-archive';
import { ciImagePresent, missingImageMessage } from '../fixtures/train-jobs';
import { skipBrowser } from '../helpers/browser';
import { screenshotsDir as screenshots, serveOffline, type OfflineServe } from '../helpers/offline-serve';
import { dockerRequired, requireDocker, skipDocker } from '../helpers/docker';

const present = ciImagePresent();

describe.skipIf(skipBrowser || skipDocker || (!present && !dockerRequired))(
  'the example run on a fresh install',
  () => {
    let served: OfflineServe | undefined;
    let page: Page;

    beforeAll(async () => {
      requireDocker();
      if (!present) throw new Error(missingImageMessage);
      served = await serveOffline({ width: 1280, height: 900 });
      page = served.page;
    }, 240_000);

    afterAll(async () => {
      await served?.close();
    });

    it(
      'offers the example, replays it with no model and shows the run finished and scored',
      { timeout: 120_000 },
      async () => {
        const offer = page.getByTestId('example-offer');
        await offer.waitFor();
        expect(await page.getByTestId('empty-runs').textContent()).toContain(
          'A recorded example run ships with Looplab',
        );
        await page.screenshot({ path: join(screenshots, 'ui-example-offer.png') });
        await page.getByTestId('replay-example').click();

        const exampleId = readArchive(readFileSync(exampleFile())).runId;
        await page.waitForFunction(
          (source) => {
            const detail = document.querySelector('[data-testid="run-detail"]');
            return detail !== null && detail.getAttribute('data-run-id') !== source;
          },
          exampleId,
          { timeout: 30_000 },
        );
        const replayId = await page.getByTestId('run-detail').getAttribute('data-run-id');
        expect(replayId).toMatch(/^run_/);
        expect(replayId).not.toBe(exampleId);
        // It reads as what it is: a replay of the example, not a fork of it.
        expect(await page.locator('.run-fork').textContent()).toBe(`A replay of ${exampleId}`);
        const row = page.locator(`[data-testid="run-row"][data-run-id="${replayId}"]`);
        expect(await row.getByTestId('run-fork').textContent()).toBe(`replay of ${exampleId}`);
        // The harness scores twice; the run is finished for good once the second score is in.
        const attempts = page.getByTestId('graph-attempt');
        await attempts.filter({ hasText: 'Attempt 2 · macro_f1 0.893 ✓' }).waitFor({ timeout: 90_000 });
        await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor();
        expect(await page.getByTestId('node-counts').textContent()).toBe('8 steps6 calls2 jobs2 attempts');
        // Finished, it opens on the whole loop: both attempts and the harness's final score.
        expect(await attempts.count()).toBe(2);
        const scored = page.locator('[data-testid="graph-node"][data-kind="gate"][data-status="done"]').last();
        await scored.waitFor();
        expect(await scored.locator('.loop-gate-score').textContent()).toBe('macro_f1 0.8929✓target ≥ 0.85');
        for (const id of [exampleId, replayId!])
          await page.locator(`[data-testid="run-row"][data-run-id="${id}"]`).waitFor();
        await page.screenshot({ path: join(screenshots, 'ui-example-replay.png') });
      },
    );
  },
);
