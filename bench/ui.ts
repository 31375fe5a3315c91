// The UI in Debian Chromium against `looplab serve`: the home screen's time to interactive and bundle
// (bench/ui-home.ts); how long a 2,000-node run takes to open (its graph's overview drawn: a finished
// run too long to read whole opens on its first steps), a node to select and its transcript to show,
// beside a 20-node run; and how smooth the
// window stays while a model streams 200 tokens a second, beside the same window idle.
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { openStore } from '../src/main/store/open-store';
import { startOllamaServer } from '../tests/fakes/ollama-server';
import { longRunDrafts } from '../tests/fixtures/long-run';
import { recordSampleRun } from '../tests/fixtures/sample-run';
import { chromiumPath, launchChromium } from '../tests/helpers/browser';
import { spawnCli, waitForLine } from '../tests/helpers/cli';
import { makeTempHome } from '../tests/helpers/temp-home';
import { report, skip } from './report';
import { benchHome } from './ui-home';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Opens a run from the list and waits for a node; then selects that node. Times both, in ms. */
async function openAndSelect(
  page: Page,
  openUrl: string,
  runId: string,
  nodeId: string,
): Promise<{ open: number; select: number }> {
  await page.goto(openUrl);
  await page.getByTestId('run-row').first().waitFor();
  const started = performance.now();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  const node = page.locator(`[data-testid="graph-node"][data-node-id="${nodeId}"]`);
  await node.waitFor();
  const open = performance.now() - started;
  const clicked = performance.now();
  await node.click();
  await page.getByTestId('node-inspector').waitFor();
  return { open, select: performance.now() - clicked };
}

/** Opens a run, then switches its events to the transcript and times that until it is drawn, in ms. */
async function openTranscript(page: Page, openUrl: string, runId: string): Promise<number> {
  await page.goto(openUrl);
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  await page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`).waitFor();
  const started = performance.now();
  await page.getByTestId('view-transcript').click();
  await page.locator('[data-testid="transcript-entry"]').last().waitFor();
  // The frame after React committed: what the person sees.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
  return performance.now() - started;
}

/**
 * The longest gap between animation frames over `ms`: how long the window stopped answering. Sent as
 * source text, since the TypeScript runner's helpers do not exist in the page.
 */
function longestFrameGap(page: Page, ms: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    let last = performance.now();
    let longest = 0;
    const end = last + ${ms};
    const tick = (now) => {
      longest = Math.max(longest, now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else resolve(longest);
    };
    requestAnimationFrame(tick);
  })`);
}

export async function benchUi(): Promise<void> {
  if (chromiumPath === undefined) {
    skip('UI benchmarks', 'Chromium is not installed (apt-get install -y chromium)');
    return;
  }
  const home = makeTempHome('looplab-bench-');
  const { store, close } = openStore(home.paths);
  const small = recordSampleRun(store, 'A short loop', 1_700_000_000_000);
  const large = store.createRun(
    { goal: 'A long loop', model: 'ollama/qwen2.5-coder:7b', origin: 'new' },
    1_700_000_100_000,
  ).runId;
  store.append(large, longRunDrafts(1_700_000_100_000));
  close();

  const words = Array.from({ length: 600 }, (_, index) => `word${index} `);
  const ollama = await startOllamaServer({ turns: [{ text: words, delayMs: 5 }] });
  let serve: ChildProcess | undefined;
  const browser = await launchChromium();
  try {
    serve = spawnCli(['serve', '--port', '0', '--home', home.paths.root], {
      env: { OLLAMA_HOST: ollama.url },
    });
    const openUrl = (await waitForLine(serve, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    await benchHome(browser, openUrl);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openAndSelect(page, openUrl, large, 'model:model_0'); // warm-up
    const largeRuns = [];
    const smallRuns = [];
    for (let round = 0; round < 3; round++) {
      largeRuns.push(await openAndSelect(page, openUrl, large, 'model:model_0'));
      smallRuns.push(await openAndSelect(page, openUrl, small, 'model:call_m3'));
    }
    const target = { target: '≤ 1,500 ms', met: (value: number) => value <= 1_500 };
    report(
      'open a 2,000-node run in Chromium',
      median(largeRuns.map((run) => run.open)),
      'ms',
      {
        label: 'a 20-node run',
        value: median(smallRuns.map((run) => run.open)),
      },
      target,
    );
    report('select a node of the 2,000-node run', median(largeRuns.map((run) => run.select)), 'ms', {
      label: 'a node of the 20-node run',
      value: median(smallRuns.map((run) => run.select)),
    });

    const largeTranscripts = [];
    const smallTranscripts = [];
    for (let round = 0; round < 3; round++) {
      largeTranscripts.push(await openTranscript(page, openUrl, large));
      smallTranscripts.push(await openTranscript(page, openUrl, small));
    }
    report('show the 2,000-node run as a transcript', median(largeTranscripts), 'ms', {
      label: 'the 20-node run',
      value: median(smallTranscripts),
    });

    // Streaming: a run whose model sends 200 tokens a second, open in the window.
    await page.goto(openUrl);
    await page.getByTestId('run-row').first().waitFor();
    const idle = await longestFrameGap(page, 2_000);
    const token = /#token=([0-9a-f]+)/.exec(openUrl)![1]!;
    const response = await fetch(`${new URL(openUrl).origin}/api/call/runs.start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      // On the host runtime: the run only streams words, so it needs no sandbox (nor Docker).
      body: JSON.stringify({ goal: 'Stream', model: 'ollama/qwen2.5-coder:7b', runtime: 'host' }),
    });
    const started = (await response.json()) as { ok: boolean; value?: { id: string } };
    if (!started.ok || started.value === undefined)
      throw new Error(`could not start the streaming run: ${JSON.stringify(started)}`);
    await page.locator(`[data-testid="run-row"][data-run-id="${started.value.id}"]`).click();
    await page.getByTestId('live-text').waitFor();
    const streaming = await longestFrameGap(page, 2_000);
    report(
      'longest frame while 200 tokens/s stream in',
      streaming,
      'ms',
      { label: 'the same window idle', value: idle },
      {
        target: '≤ 100 ms (no visible stall)',
        met: (value) => value <= 100,
      },
    );
  } finally {
    await browser.close();
    serve?.kill('SIGTERM');
    await ollama.close();
    home.remove();
  }
}

// `npx tsx bench/ui.ts` runs these alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchUi();
