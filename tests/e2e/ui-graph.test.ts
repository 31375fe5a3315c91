// The run's graph in the loop's shape, in Chromium over `looplab serve`: the example replayed in the
// Docker sandbox shows its two attempts boxed under their scores (✗ then ✓), the retry from the first
// gate back into the loop, a job hanging off the step that started it with its metric, and the arrow
// keys step the selection through the loop. Screenshots of the live and the finished graph, light and
// dark, at two window sizes, go to test-results/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciImagePresent, missingImageMessage } from '../fixtures/train-jobs';
import { skipBrowser } from '../helpers/browser';
import { screenshotsDir as screenshots, serveOffline, type OfflineServe } from '../helpers/offline-serve';
import { dockerRequired, requireDocker, skipDocker } from '../helpers/docker';

const present = ciImagePresent();
const sizes = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
];

async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: join(screenshots, `ui-graph-${name}-${colorScheme}.png`) });
  }
}

/** What the selected node is: its kind and id, read from the graph (a step's call counts as its step). */
function selected(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const node = document.querySelector('[data-testid="graph-node"].selected');
    return node === null ? null : `${node.getAttribute('data-kind')} ${node.getAttribute('data-node-id')}`;
  });
}

describe.skipIf(skipBrowser || skipDocker || (!present && !dockerRequired))('the loop graph of the example', () => {
  let served: OfflineServe | undefined;
  let page: Page;

  beforeAll(async () => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    served = await serveOffline(sizes[0]!);
    page = served.page;
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  it('shows the replay live, then its two attempts, the retry and a job branch', { timeout: 150_000 }, async () => {
    await page.getByTestId('replay-example').click();
    const graph = page.getByTestId('run-graph');
    // Live: the first job runs as a branch of the step that started it.
    await graph.locator('[data-testid="graph-node"][data-kind="job"]').first().waitFor({ timeout: 60_000 });
    await shoot(page, 'live-1440');

    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor({ timeout: 90_000 });
    const attempts = graph.getByTestId('graph-attempt');
    await attempts.nth(1).filter({ hasText: '✓' }).waitFor();
    expect(await attempts.allTextContents()).toEqual(['Attempt 1 · macro_f1 0.793 ✗', 'Attempt 2 · macro_f1 0.893 ✓']);

    // Each gate scores its attempt against the target; the failed one retries into the next attempt.
    const gates = graph.locator('[data-testid="graph-node"][data-kind="gate"]');
    expect(
      await gates.evaluateAll((nodes) => nodes.map((node) => node.querySelector('.loop-gate-score')?.textContent)),
    ).toEqual(['macro_f1 0.7931✗target ≥ 0.85', 'macro_f1 0.8929✓target ≥ 0.85']);
    expect(await graph.locator('.graph-edge.edge-retry').count()).toBe(1);
    expect(await graph.locator('.graph-edge-label').textContent()).toBe('↺ retry');

    // Eight steps, each a model turn with its calls inside; two jobs hang below their steps.
    expect(await graph.getByTestId('node-counts').textContent()).toBe('8 steps6 calls2 jobs2 attempts');
    const steps = graph.locator('[data-testid="graph-node"][data-kind="step"]');
    expect(await steps.count()).toBe(8);
    const jobs = graph.locator('[data-testid="graph-node"][data-kind="job"]');
    expect(await jobs.count()).toBe(2);
    expect(await jobs.first().locator('.loop-job-metric').textContent()).toBe('cv_accuracy 0.8978');
    const starter = steps.filter({
      has: page.locator('[data-testid="graph-call"]', { hasText: 'job_start python3 train.py word 1 1 0.05' }),
    });
    const [stepBox, jobBox] = [await starter.boundingBox(), await jobs.first().boundingBox()];
    expect(jobBox!.y).toBeGreaterThan(stepBox!.y + stepBox!.height);
    expect(jobBox!.x).toBeGreaterThan(stepBox!.x);
    expect(jobBox!.x).toBeLessThan(stepBox!.x + stepBox!.width);
    // The run it replays is a node too, above the goal.
    expect(await graph.locator('[data-testid="graph-node"][data-kind="parent"]').count()).toBe(1);
    await shoot(page, 'finished-1440');
    await page.setViewportSize(sizes[1]!);
    await shoot(page, 'finished-1280');
    await page.setViewportSize(sizes[0]!);
  });

  it('steps the selection through the loop with the arrow keys, and opens details with Enter', async () => {
    const graph = page.getByTestId('run-graph');
    await graph.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selected(page)).toBe('goal start');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selected(page)).toMatch(/^step model:/);
    const first = await selected(page);
    expect(await page.getByTestId('node-inspector').locator('.node-inspector-kind').textContent()).toBe('model');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selected(page)).not.toBe(first);
    const second = await selected(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selected(page)).not.toBe(second);
    const third = await selected(page);
    // Down from the step that started the job is the job, and back up is that step.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selected(page)).toMatch(/^job job:/);
    expect(await page.getByTestId('node-inspector').locator('.node-inspector-kind').textContent()).toBe('job');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => selected(page)).toBe(third);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => selected(page)).toBe(second);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => selected(page)).toBe(first);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="node-inspector"]') !== null)).toBe(
      true,
    );
  });
});
