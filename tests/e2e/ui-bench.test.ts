// A person reads the benches of a data folder in the UI of `looplab serve` in Chromium: with none yet the
// view says how to run one; then two benches recorded straight into the store (a finished one of two
// models by three tasks, with gold, bronze, no medal and no score, and an older one left unfinished)
// show newest first, the leaderboard ranks the models with their figures and chart, each task's cells
// show the scores and medals, a cell opens its run, and the unfinished bench says how to go on.
// Screenshots light and dark at 1440×900 and 1280×720.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchPlan, BenchTaskInfo } from '../../src/shared/bench';
import type { EventDraft, RunStatus } from '../../src/shared/events';
import { openStore, type OpenedStore } from '../../src/main/store/open-store';
import { openServeInChromium, screenshotThemes, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const HOUR = 3_600_000;

const TASKS: BenchTaskInfo[] = [
  {
    task: 'tabular-classification',
    kind: 'tabular classification',
    summary: 'Predict whether a customer churns from a CSV of account features.',
    metric: 'accuracy',
    better: 'higher',
    floor: 0.6,
    medals: { bronze: 0.7, silver: 0.75, gold: 0.8 },
  },
  {
    task: 'house-prices',
    kind: 'tabular regression',
    summary: 'Predict sale prices of houses.',
    metric: 'rmse',
    better: 'lower',
    floor: 60000,
    medals: { bronze: 40000, silver: 35000, gold: 30000 },
  },
  {
    task: 'review-sentiment',
    kind: 'text classification',
    summary: 'Label product reviews as negative, neutral or positive.',
    metric: 'macro_f1',
    better: 'higher',
    floor: 0.33,
    medals: { bronze: 0.7, silver: 0.75, gold: 0.8 },
  },
];
const ORACLE = 'scripted/oracle';
const QWEN = 'ollama/qwen2.5-coder:7b';

interface Played {
  task: BenchTaskInfo;
  model: string;
  score: number | null;
  status: RunStatus;
  steps: number;
}

/** Records a run as the bench would leave it: its model calls, the harness's score of its attempt, its end. */
function recordRun(opened: OpenedStore, played: Played, start: number): string {
  const { store } = opened;
  const { runId } = store.createRun(
    { goal: `Bench task ${played.task.task}`, model: played.model, origin: 'spec' },
    start,
  );
  let time = start;
  const at = () => (time += 1500);
  const drafts: EventDraft[] = [{ type: 'run.status', payload: { status: 'running' }, time: at() }];
  for (let step = 1; step <= played.steps; step++) {
    drafts.push(
      { type: 'model.started', payload: { callId: `m${step}`, model: played.model }, time: at() },
      {
        type: 'model.finished',
        payload: {
          callId: `m${step}`,
          text: 'Working.',
          toolCalls: [],
          finishReason: 'stop',
          usage: { inputTokens: 900, outputTokens: 100, cost: 0 },
        },
        time: at(),
      },
    );
  }
  if (played.score !== null) {
    const { metric, better } = played.task;
    drafts.push({
      type: 'evaluation.recorded',
      payload: { evalId: 'eval_1', metric, value: played.score, better, attempt: 1 },
      time: at(),
    });
  }
  drafts.push({ type: 'run.status', payload: { status: played.status }, time: at() });
  store.append(runId, drafts);
  return runId;
}

function recordBench(opened: OpenedStore, plan: BenchPlan, played: Played[], time: number, finished: boolean) {
  const bench = opened.store.benches.create(plan, time);
  const runs = new Map<string, string>();
  played.forEach((one, index) => {
    const runId = recordRun(opened, one, time + index * 60_000);
    opened.store.benches.setRun(bench.id, { task: one.task.task, model: one.model, seed: 1 }, runId);
    runs.set(`${one.task.task} ${one.model}`, runId);
  });
  if (finished) opened.store.benches.finish(bench.id, time + HOUR);
  return { id: bench.id, runs };
}

type RecordedBench = ReturnType<typeof recordBench>;

/** A finished bench of two models by three tasks (gold, bronze, no medal, no score) and an older unfinished one. */
function recordBenches(home: TempHome): { finished: RecordedBench; unfinished: RecordedBench } {
  const [tabular, houses, reviews] = TASKS as [BenchTaskInfo, BenchTaskInfo, BenchTaskInfo];
  const opened = openStore(home.paths);
  const now = Date.now();
  const unfinished = recordBench(
    opened,
    { tasks: [tabular], models: [QWEN], seeds: 2, concurrency: 1 },
    [{ task: tabular, model: QWEN, score: 0.76, status: 'finished', steps: 5 }],
    now - 2 * 24 * HOUR,
    false,
  );
  const finished = recordBench(
    opened,
    { tasks: TASKS, models: [QWEN, ORACLE], seeds: 1, concurrency: 2 },
    [
      { task: tabular, model: ORACLE, score: 0.84, status: 'finished', steps: 2 },
      { task: tabular, model: QWEN, score: 0.71, status: 'finished', steps: 9 },
      { task: houses, model: ORACLE, score: 29000, status: 'finished', steps: 2 },
      { task: houses, model: QWEN, score: 52000, status: 'finished', steps: 14 },
      { task: reviews, model: ORACLE, score: 0.82, status: 'finished', steps: 2 },
      { task: reviews, model: QWEN, score: null, status: 'failed', steps: 6 },
    ],
    now - 3 * HOUR,
    true,
  );
  opened.close();
  return { finished, unfinished };
}

describe.skipIf(skipBrowser)('benches in Chromium', () => {
  let home: TempHome;
  let serveProcess: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    home = makeTempHome();
    ({ browser, page, serve: serveProcess } = await openServeInChromium(home.paths.root, {}, screenshots));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    home?.remove();
  });

  const cell = (task: string, model: string): Locator =>
    page.locator(`[data-testid="bench-cell"][data-task="${task}"][data-model="${model}"]`);
  const standing = (model: string): Locator => page.locator(`[data-testid="bench-standing"][data-model="${model}"]`);
  const texts = async (locator: Locator) => (await locator.allTextContents()).map((text) => text.trim());

  it('with no bench yet, says how to run one', async () => {
    await page.getByTestId('open-bench').click();
    const empty = page.getByTestId('bench-empty');
    await empty.waitFor();
    const text = await empty.textContent();
    expect(text).toContain('looplab bench --model ollama/qwen2.5-coder:7b');
    expect(text).toContain('looplab bench --model scripted/oracle --model scripted/weak');
    await screenshotThemes(page, join(screenshots, 'ui-bench-empty'));
    await page.getByTestId('close-bench').click();
    await page.getByTestId('bench-view').waitFor({ state: 'detached' });
  });

  let finished: RecordedBench;
  let unfinished: RecordedBench;

  it('lists the benches newest first and ranks the models, best first, in a table and a chart', async () => {
    ({ finished, unfinished } = recordBenches(home));

    await page.getByTestId('open-bench').click();
    const items = page.getByTestId('bench-item');
    await items.nth(1).waitFor();
    expect(await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-bench-id')))).toEqual([
      finished.id,
      unfinished.id,
    ]);
    expect(await texts(items.getByTestId('bench-state'))).toEqual(['finished', 'unfinished']);
    expect(await items.first().textContent()).toContain('3 tasks × 2 models × 1 seed');
    expect(await items.first().getByTestId('bench-best').textContent()).toBe(`${ORACLE}1.00`);

    const detail = page.locator(`[data-testid="bench-detail"][data-bench-id="${finished.id}"]`);
    await detail.waitFor();
    // Best first, though the plan named the model first.
    expect(
      await page.getByTestId('bench-standing').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-model'))),
    ).toEqual([ORACLE, QWEN]);
    const figures = async (model: string) =>
      texts(
        standing(model).locator(
          '[data-testid="bench-gold"], [data-testid="bench-silver"], [data-testid="bench-bronze"], [data-testid="bench-medal-rate"], [data-testid="bench-mean"]',
        ),
      );
    expect(await figures(ORACLE)).toEqual(['3', '0', '0', '100%', '1.00']);
    // Bronze (0.55 of the way to gold), no medal (0.27) and no score (0): a mean of 0.27.
    expect(await figures(QWEN)).toEqual(['0', '0', '1', '33%', '0.27']);
    expect(await standing(ORACLE).getByTestId('bench-scripted').count()).toBe(1);
    expect(await standing(QWEN).getByTestId('bench-scripted').count()).toBe(0);
    const bars = page.getByTestId('bench-chart-row');
    expect(await bars.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-model')))).toEqual([ORACLE, QWEN]);
    expect(
      await bars
        .nth(1)
        .getByRole('img')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label'))),
    ).toEqual([`${QWEN}: mean score 0.27`, `${QWEN}: medal rate 33%`]);
  });

  it('shows each task by each model with its score and medal, and a cell opens its run', async () => {
    const [tabular, houses, reviews] = TASKS as [BenchTaskInfo, BenchTaskInfo, BenchTaskInfo];
    const shown = async (task: string, model: string) => ({
      medal: await cell(task, model).getByTestId('bench-medal').getAttribute('data-medal'),
      score: (await cell(task, model).getByTestId('bench-score').textContent())?.trim(),
    });
    expect(await shown(tabular.task, ORACLE)).toEqual({ medal: 'gold', score: '0.84' });
    expect(await shown(tabular.task, QWEN)).toEqual({ medal: 'bronze', score: '0.71' });
    expect(await shown(houses.task, ORACLE)).toEqual({ medal: 'gold', score: '29000' });
    expect(await shown(houses.task, QWEN)).toEqual({ medal: 'none', score: '52000' });
    expect(await shown(reviews.task, QWEN)).toEqual({ medal: 'none', score: 'no score' });
    expect(await cell(houses.task, QWEN).textContent()).toContain('14 steps');
    expect(await cell(reviews.task, QWEN).textContent()).toContain('failed');
    const houseRow = page.locator(`[data-testid="bench-task"][data-task="${houses.task}"]`);
    expect(await houseRow.getByTestId('bench-task-header').textContent()).toContain('rmse ↓ lower is better');
    expect((await houseRow.getByTestId('bench-thresholds').textContent())?.replaceAll('\u00a0', ' ')).toBe(
      'gold ≤ 30000 · silver ≤ 35000 · bronze ≤ 40000',
    );
    expect(await houseRow.getByTestId('bench-task-header').getAttribute('title')).toContain(
      'The trivial answer scores 60000',
    );

    await screenshotThemes(page, join(screenshots, 'ui-bench-finished'));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });

    const runId = finished.runs.get(`${houses.task} ${QWEN}`)!;
    await cell(houses.task, QWEN).getByTestId('bench-run').click();
    await page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}`);
    expect(await page.getByTestId('bench-view').count()).toBe(0);
  });

  it('comes back to the bench picked, and an unfinished bench says how to go on', async () => {
    await page.getByTestId('open-bench').click();
    await page.locator(`[data-testid="bench-detail"][data-bench-id="${finished.id}"]`).waitFor();
    await page.locator(`[data-testid="bench-item"][data-bench-id="${unfinished.id}"]`).click();
    const note = page.getByTestId('bench-unfinished');
    await note.waitFor();
    expect(await note.textContent()).toContain(
      `1 of 2 runs were recorded. looplab bench --resume ${unfinished.id} goes on`,
    );
    const tabular = TASKS[0]!.task;
    // Two seeds: the mean, then each seed's run (the second never started).
    expect(await cell(tabular, QWEN).getByTestId('bench-cell-mean').textContent()).toContain('mean 0.76');
    expect(await texts(cell(tabular, QWEN).getByTestId('bench-score'))).toEqual(['0.76', 'not run']);
    expect(await cell(tabular, QWEN).getByTestId('bench-run').getAttribute('data-run-id')).toBe(
      unfinished.runs.get(`${tabular} ${QWEN}`),
    );
    await screenshotThemes(page, join(screenshots, 'ui-bench-unfinished'));
  });
});
