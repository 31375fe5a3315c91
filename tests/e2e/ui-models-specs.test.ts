// The home screen in Chromium against `looplab serve` and a fake Ollama: the model field says what the
// chosen local model is; a model Ollama lacks is pulled from the form with a progress bar, after which
// it is described; a saved loop spec is run with its parameter filled in, and the run it starts opens.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/http-fake';
import { defaultOllamaModel, llamaOllamaModel, startOllamaServer } from '../fakes/ollama-server';
import { launchChromium, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(skipBrowser || skipDocker)('models and loop specs on the home screen', () => {
  let home: TempHome;
  let ollama: FakeServer;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    home = makeTempHome();
    mkdirSync(join(home.paths.root, 'specs'), { recursive: true });
    writeFileSync(
      join(home.paths.root, 'specs', 'greet.yaml'),
      'name: greet\ndescription: Greets someone.\ngoal: Say hello to {{who}}.\nparams:\n  who: { default: the team }\n',
    );
    ollama = await startOllamaServer({
      models: [defaultOllamaModel],
      library: [llamaOllamaModel],
      pullDelayMs: 150,
      turns: [{ text: ['Hello, Ada.'] }],
    });
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root], {
      env: { OLLAMA_HOST: ollama.url },
    });
    const openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

  const status = () => page.getByTestId('model-status');

  it('describes the installed model and pulls a missing one with progress', async () => {
    await page.locator('[data-testid="model-status"][data-state="installed"]').waitFor();
    expect(await status().textContent()).toContain('32k context · takes tools');
    await page.getByTestId('start-model').fill('ollama/llama3.2:3b');
    await page.locator('[data-testid="model-status"][data-state="missing"]').waitFor();
    expect(await status().textContent()).toContain(`Ollama at ${ollama.url} does not have llama3.2:3b.`);
    await page.getByTestId('pull-model').click();
    await page.locator('[data-testid="model-status"][data-state="pulling"]').waitFor();
    await page.screenshot({ path: join(screenshots, 'ui-models-pulling.png') });
    await page.locator('[data-testid="model-status"][data-state="installed"]').waitFor();
    expect(await status().textContent()).toContain('128k context · takes tools');
    expect(ollama.requests.filter((request) => request.path === '/api/pull')).toHaveLength(1);
  });

  it('runs a saved loop spec with its parameter, and opens the run', async () => {
    await page.getByTestId('start-model').fill('ollama/qwen2.5-coder:7b');
    const options = await page.getByTestId('spec-select').locator('option').allTextContents();
    expect(options).toContain('greet');
    expect(options).toContain('text-classifier');
    await page.getByTestId('spec-select').selectOption('text-classifier');
    expect(await page.getByTestId('spec-gate').textContent()).toContain(
      'Judged by the harness on macro_f1, target 0.85',
    );
    await page.getByTestId('spec-select').selectOption('greet');
    const who = page.getByTestId('spec-param-who');
    expect(await who.inputValue()).toBe('the team');
    await who.fill('Ada');
    await page.screenshot({ path: join(screenshots, 'ui-specs-launcher.png') });
    await page.getByTestId('spec-submit').click();
    const detail = page.locator('[data-testid="run-detail"]').filter({ hasText: 'Say hello to Ada.' });
    // A run starts a sandbox before its first step: on a loaded machine that alone can take a while, so
    // the waits follow the run's own events for as long as the test allows, not a fixed 15 s.
    await detail.waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor({ timeout: 90_000 });
    expect(await detail.textContent()).toContain('Hello, Ada.');
  }, 200_000);
});
