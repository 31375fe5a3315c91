// The start form's probe in Chromium against `looplab serve` and the fake Ollama through the real client:
// beside the chosen model, its stored probe ("Probe 2/4 · 2 Dec", each check's verdict in the title and
// the failed checks named), or "Not probed" with a button that runs the four checks, shows which one is
// running, then the result, stored in the data folder; a model that cannot be probed says why. Screenshots light and dark at two sizes.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProbes, saveProbe } from '../../src/main/runs/model-probe-store';
import type { ProbeReport } from '../../src/shared/model-probe';
import type { FakeServer } from '../fakes/http-fake';
import { defaultOllamaModel, llamaOllamaModel, startOllamaServer } from '../fakes/ollama-server';
import { capableProbeModel } from '../fixtures/probe-models';
import { openServeInChromium, screenshotThemes, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

const storedLlama: ProbeReport = {
  model: 'ollama/llama3.2:3b',
  probedAt: '2026-12-02T10:00:00.000Z',
  checks: [
    { id: 'calls_tool', passed: true, verdict: 'called add(a=2, b=3) as asked', latencyMs: 812 },
    {
      id: 'follows_result',
      passed: true,
      verdict: "used the tool's answer 37 in the next call, add(a=37, b=10)",
      latencyMs: 640,
    },
    {
      id: 'recovers_error',
      passed: false,
      verdict: 'repeated the failing call lookup(key="APPLES") after the error',
      latencyMs: 590,
    },
    {
      id: 'stops_when_done',
      passed: false,
      verdict: 'called add(a=2, b=3) again after the task was done',
      latencyMs: 601,
    },
  ],
  passed: 2,
  total: 4,
  recommendation:
    'Usable with care: it does not recover from a tool error, and does not stop when done. Watch its runs, or choose another model.',
};

describe.skipIf(skipBrowser)('a model’s probe in the start form', () => {
  let home: TempHome;
  let ollama: FakeServer;
  let serve: ChildProcess;
  let browser: Browser;
  let page: Page;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    home = makeTempHome('looplab-ui-probe-');
    saveProbe(home.paths, storedLlama);
    const hold = new Promise<void>((resolve) => (release = resolve));
    ollama = await startOllamaServer({
      models: [defaultOllamaModel, llamaOllamaModel],
      turns: capableProbeModel(hold),
    });
    ({ browser, page, serve } = await openServeInChromium(home.paths.root, { OLLAMA_HOST: ollama.url }, screenshots));
  }, 120_000);

  afterAll(async () => {
    release();
    await browser?.close();
    serve?.kill('SIGTERM');
    await ollama?.close();
    home?.remove();
  });

  const probe = () => page.getByTestId('model-probe');
  const shoot = async (name: string) => {
    await screenshotThemes(page, join(screenshots, `ui-model-probe-${name}`));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('shows a stored probe beside the model, with each check’s verdict in its title', async () => {
    await page.getByTestId('start-model').fill('ollama/llama3.2:3b');
    await page.locator('[data-testid="model-probe"][data-state="probed"]').waitFor();
    const score = page.getByTestId('probe-score');
    expect(await score.textContent()).toBe('Probe 2/4 · 2 Dec');
    const title = await score.getAttribute('title');
    expect(title).toContain('✓ calls a tool: called add(a=2, b=3) as asked (812 ms)');
    expect(title).toContain(
      '✗ recovers from a tool error: repeated the failing call lookup(key="APPLES") after the error',
    );
    expect(title).toContain('Usable with care');
    expect(await probe().textContent()).toContain('fails: recovers from a tool error, stops when done');
    expect(await page.getByTestId('probe-model').textContent()).toBe('Probe again');
    await shoot('stored');
  });

  it('probes a model not probed yet, showing the check under way, then its result', async () => {
    await page.getByTestId('start-model').fill('ollama/qwen2.5-coder:7b');
    await page.locator('[data-testid="model-probe"][data-state="not-probed"]').waitFor();
    expect(await probe().textContent()).toContain('Not probed');
    await shoot('not-probed');
    await page.getByTestId('probe-model').click();
    await page
      .locator('[data-testid="model-probe"][data-state="probing"]')
      .filter({ hasText: 'check 3 of 4, recovers from a tool error' })
      .waitFor();
    await shoot('probing');
    release();
    await page.locator('[data-testid="model-probe"][data-state="probed"]').waitFor();
    const today = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
    expect(await page.getByTestId('probe-score').textContent()).toBe(`Probe 4/4 · ${today}`);
    expect(await page.getByTestId('probe-score').getAttribute('title')).toContain(
      '(written as text, recovered: hermes)',
    );
    expect(readProbes(home.paths).probes['ollama/qwen2.5-coder:7b']?.passed).toBe(4);
    await shoot('probed');
  });

  it('says why a model cannot be probed, and stores nothing for it', async () => {
    await page.getByTestId('start-model').fill('ollama/missing:1b');
    await page.locator('[data-testid="model-probe"][data-state="not-probed"]').waitFor();
    await page.getByTestId('probe-model').click();
    await page.getByTestId('probe-error').waitFor();
    expect(await page.getByTestId('probe-error').textContent()).toContain('ollama/missing:1b is not ready');
    expect(await probe().getAttribute('data-state')).toBe('not-probed');
    expect(readProbes(home.paths).probes['ollama/missing:1b']).toBeUndefined();
    await shoot('error');
  });
});
