// A person starts a training run from the UI of `looplab serve` in Chromium, against a fake Ollama and
// the real Docker sandbox: the model writes a small Python trainer and starts it as a job; the person
// watches the job node appear, opens the jobs panel, sees the metric charts fill while it runs, the log
// in colour and the file it wrote (and downloads it); once the run has finished, the search box finds it
// by a word only the job printed (in colour).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedRequest, FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { launchChromium, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { requireDocker, skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { formatMetric } from '../../src/shared/format';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const GOAL = 'Train a tiny model and report its loss';
const STEPS = 20;
/** Printed by the job (the script spells it backwards, so only the job's output holds it). */
const WORD = 'quokkatastic';

const TRAINER = `import json, os, time

print("\\x1b[1;32mtraining on 64 examples\\x1b[0m", flush=True)
loss = 1.0
for step in range(${STEPS}):
    loss = round(loss * 0.85, 6)
    print(json.dumps({"step": step, "loss": loss, "accuracy": round(1 - loss / 2, 6)}), flush=True)
    time.sleep(0.6)
os.makedirs("outputs", exist_ok=True)
with open("outputs/summary.json", "w") as handle:
    json.dump({"loss": loss, "steps": ${STEPS}}, handle)
print("finished: \\x1b[36m" + "${[...WORD].reverse().join('')}"[::-1] + "\\x1b[0m", flush=True)
`;

/** The losses the trainer prints, step by step. */
const LOSSES = Array.from({ length: STEPS }).reduce<number[]>(
  (losses) => [...losses, Number(((losses.at(-1) ?? 1) * 0.85).toFixed(6))],
  [],
);

/** The job id job_start gave, read from the tool result the model was sent. */
function startedJob(request: CapturedRequest): string {
  const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
  const found = /Started (job_[a-z0-9]+)/.exec(messages.filter((message) => message.role === 'tool').at(-1)!.content);
  if (found === null) throw new Error('job_start did not say which job it started');
  return found[1]!;
}

describe.skipIf(skipBrowser || skipDocker)('a training job in the UI, in the real sandbox', () => {
  let home: TempHome;
  let ollama: FakeServer;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let runId = '';

  beforeAll(async () => {
    requireDocker();
    home = makeTempHome('looplab-ui-jobs-');
    ollama = await startOllamaServer({
      turns: [
        {
          text: ['I will write a trainer.'],
          toolCalls: [{ name: 'write', arguments: { path: 'train.py', content: TRAINER } }],
        },
        {
          toolCalls: [
            {
              name: 'job_start',
              arguments: {
                command: 'python3 train.py',
                timeout: 300,
                watches: [
                  { kind: 'non_finite', metric: 'loss' },
                  { kind: 'silent', minutes: 10 },
                ],
              },
            },
          ],
        },
        (request) => ({ toolCalls: [{ name: 'job_status', arguments: { job_id: startedJob(request), wait: 120 } }] }),
        (request) => {
          const jobId = /^(job_[a-z0-9]+):/.exec(
            (request.body as { messages: { content: string }[] }).messages.at(-1)!.content,
          )![1]!;
          return { toolCalls: [{ name: 'job_logs', arguments: { job_id: jobId, tail: 5 } }] };
        },
        { text: ['The loss came down over 20 steps; the summary is in outputs/summary.json.'] },
      ],
    });
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root], {
      env: { OLLAMA_HOST: ollama.url },
    });
    const openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(15_000);
    mkdirSync(screenshots, { recursive: true });
    await page.goto(openUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    await ollama?.close();
    home?.remove();
  });

  async function shoot(name: string): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `ui-jobs-${name}-${scheme}.png`) });
    }
  }

  function chart(metric: string): Locator {
    return page.locator(`[data-testid="metric-chart"][data-metric="${metric}"]`);
  }

  async function points(metric: string): Promise<number> {
    return Number((await chart(metric).getAttribute('data-points')) ?? 0);
  }

  it('shows the job live: its node, its metric charts filling, its coloured log', { timeout: 120_000 }, async () => {
    await page.getByTestId('start-goal').fill(GOAL);
    await page.getByTestId('start-submit').click();
    const detail = page.getByTestId('run-detail');
    // Starting checks the model and the Docker engine first; on a busy machine that takes a while.
    await detail.waitFor({ timeout: 60_000 });
    runId = (await detail.getAttribute('data-run-id'))!;

    const jobNode = page.locator('[data-testid="graph-node"][data-kind="job"]');
    await jobNode.waitFor({ timeout: 60_000 });
    expect(await jobNode.getAttribute('data-status')).toBe('running');
    await jobNode.click();

    const panel = page.getByTestId('jobs-panel');
    // The panel opens once the run's job list has loaded; a machine running the whole suite is slow.
    await panel.waitFor({ timeout: 60_000 });
    const row = panel.getByTestId('job-row');
    expect(await row.getAttribute('data-state')).toBe('running');
    expect(await row.textContent()).toContain('python3 train.py');

    // The charts fill as the job prints: more points later than at first, the latest value on show.
    // The chart is drawn once and given the new points, not made again for each.
    await expect.poll(() => points('loss'), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const early = await points('loss');
    expect(early).toBeLessThan(STEPS);
    const canvas = await chart('loss').locator('canvas').elementHandle();
    await expect.poll(() => points('loss'), { timeout: 20_000 }).toBeGreaterThan(early);
    expect(await canvas!.evaluate((element) => element.isConnected)).toBe(true);
    expect(await chart('accuracy').count()).toBe(1);
    const [shown, last] = await chart('loss').evaluate((figure) => [
      Number(figure.getAttribute('data-points')),
      figure.querySelector('[data-testid="metric-last"]')!.textContent,
    ]);
    expect(last).toBe(formatMetric(LOSSES[Number(shown) - 1]!));

    // The log's first line is green and bold, as the job printed it.
    const coloured = panel.getByTestId('job-log').locator('span', { hasText: 'training on 64 examples' });
    await coloured.waitFor();
    const [colour, weight, plain] = await coloured.evaluate((span) => [
      getComputedStyle(span).color,
      getComputedStyle(span).fontWeight,
      getComputedStyle(span.closest('pre')!).color,
    ]);
    expect(colour).not.toBe(plain);
    expect(weight).toBe('700');
    // The panel says what the job is watched for.
    expect(await panel.getByTestId('job-watches').textContent()).toMatch(/^Watching: .*loss.*; .*10/);
    await shoot('running');
  });

  it(
    'shows how the job ended, its last value and the file it wrote, which downloads',
    { timeout: 90_000 },
    async () => {
      const panel = page.getByTestId('jobs-panel');
      const row = panel.getByTestId('job-row');
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('succeeded');
      expect(await row.getByTestId('job-state').textContent()).toBe('succeeded · exit 0');
      expect(await row.getByTestId('job-elapsed').textContent()).toMatch(/^\d+(\.\d)? s$/);
      const finalLoss = LOSSES[STEPS - 1]!;
      expect(await chart('loss').getByTestId('metric-last').textContent()).toBe(formatMetric(finalLoss));
      expect(await chart('loss').textContent()).toContain(`at step ${STEPS - 1} · ${STEPS} points`);
      await panel
        .getByTestId('job-log')
        .filter({ hasText: `finished: ${WORD}` })
        .waitFor();

      const artifact = panel.locator('[data-testid="artifact"][data-path="outputs/summary.json"]');
      await artifact.waitFor();
      expect(await artifact.textContent()).toContain('1 KB');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        artifact.getByTestId('artifact-download').click(),
      ]);
      expect(download.suggestedFilename()).toBe('summary.json');
      const saved = await download.path();
      expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual({ loss: finalLoss, steps: STEPS });

      await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor({ timeout: 30_000 });
      await shoot('finished');
    },
  );

  it('finds the run again by a word only the job printed', async () => {
    await page.getByTestId('new-run').click();
    await page.getByTestId('search-input').fill(WORD);
    const hit = page.getByTestId('search-hit');
    await hit.first().waitFor();
    expect(await hit.count()).toBe(1);
    expect(await hit.textContent()).toContain(`finished: ${WORD}`);
    await hit.click();
    await page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`).waitFor();
    await page.getByTestId('jobs-toggle').click();
    await chart('loss').waitFor();
    expect(await points('loss')).toBe(STEPS);
    await shoot('found');
  });
});
