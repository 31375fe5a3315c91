// Using a fine-tune's result from the UI of `looplab serve` in Chromium, against the fake Ollama through
// the real client: a finished run whose job saved a LoRA adapter (adapter_config.json and a small
// adapter_model.safetensors made here); the person opens the jobs panel, imports the adapter into Ollama
// from its artifact, watches it finish, and talks to the new model in the "Try it" panel, the reply
// streaming in. Screenshots in both themes at two sizes.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/open-store';
import { writeAdapter } from '../fixtures/adapter-folder';
import { recordSampleRun } from '../fixtures/sample-run';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { openServeInChromium, screenshotThemes, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const base = { name: 'llama3.2:1b', architecture: 'llama', contextLength: 131072, capabilities: ['completion'] };

describe.skipIf(skipBrowser)('importing a run’s adapter into Ollama and trying it', () => {
  let home: TempHome;
  let ollama: FakeServer;
  let serve: ChildProcess;
  let browser: Browser;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    home = makeTempHome('looplab-ui-import-');
    const { store, close } = openStore(home.paths);
    runId = recordSampleRun(store);
    const weights = writeAdapter(join(home.paths.workspaces, runId, 'outputs', 'adapter'));
    store.append(runId, [
      {
        type: 'artifact.recorded',
        payload: { path: 'outputs/adapter/adapter_config.json', bytes: 96, jobId: 'job_1' },
        time: Date.now(),
      },
      {
        type: 'artifact.recorded',
        payload: { path: 'outputs/adapter/adapter_model.safetensors', bytes: weights.length, jobId: 'job_1' },
        time: Date.now(),
      },
    ]);
    close();
    ollama = await startOllamaServer({
      models: [base],
      pullDelayMs: 150,
      reply: () => ({ text: ['That ticket ', 'is about ', 'billing.'], delayMs: 150 }),
    });
    ({ browser, page, serve } = await openServeInChromium(home.paths.root, { OLLAMA_HOST: ollama.url }, screenshots));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    await ollama?.close();
    home?.remove();
  });

  const shoot = async (name: string) => {
    await screenshotThemes(page, join(screenshots, `ui-model-import-${name}`));
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  it('imports the adapter from its artifact, with Ollama’s progress', async () => {
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
    await page.getByTestId('jobs-toggle').click();
    const artifact = page.locator('[data-testid="artifact"][data-path="outputs/adapter/adapter_model.safetensors"]');
    // One button per model folder: on the weights, not on the config beside them.
    expect(await page.getByTestId('artifact-import').count()).toBe(1);
    await artifact.getByTestId('artifact-import').click();
    const dialog = page.getByTestId('import-dialog');
    expect(await dialog.textContent()).toContain('A LoRA adapter in outputs/adapter');
    expect(await page.getByTestId('import-name').inputValue()).toBe(`adapter-${runId.slice(-6)}`);
    await page.getByTestId('import-name').fill('tickets-lora');
    await shoot('dialog');
    await page.getByTestId('import-submit').click();
    await dialog.getByText('Created tickets-lora').waitFor();
    const create = ollama.requests.find((request) => request.path === '/api/create');
    const digestOf = (file: string) => (create?.body as { adapters: Record<string, string> }).adapters[file];
    // What Ollama went through stays listed, as the terminal prints it.
    expect(await page.getByTestId('import-steps').locator('li').allTextContents()).toEqual([
      'uploading adapter_config.json',
      'uploaded adapter_config.json',
      'uploading adapter_model.safetensors',
      'uploaded adapter_model.safetensors',
      'using existing layer sha256:dae161e27b0e',
      'converting adapter',
      `creating new layer ${digestOf('adapter_config.json')}`,
      `creating new layer ${digestOf('adapter_model.safetensors')}`,
      'writing manifest',
      'success',
    ]);
    expect(create?.body).toMatchObject({ model: 'tickets-lora', from: 'llama3.2:1b', stream: true });
    expect(Object.keys((create?.body as { adapters: object }).adapters).sort()).toEqual([
      'adapter_config.json',
      'adapter_model.safetensors',
    ]);
  });

  it('talks to the new model in the Try it panel, the reply streaming in', async () => {
    const panel = page.getByTestId('try-it');
    expect(await panel.textContent()).toContain('ollama/tickets-lora');
    await page.getByTestId('try-it-input').fill('My invoice is wrong, who do I ask?');
    await page.getByTestId('try-it-send').click();
    await panel.locator('[data-role="assistant"][aria-busy="true"]').getByText('That ticket').waitFor();
    await panel
      .locator('[data-role="assistant"]:not([aria-busy])')
      .getByText('That ticket is about billing.')
      .waitFor();
    const chat = ollama.requests.filter((request) => request.path === '/api/chat').at(-1)?.body as {
      model: string;
      messages: { role: string; content: string }[];
      tools?: unknown[];
    };
    expect(chat.model).toBe('tickets-lora');
    expect(chat.messages).toEqual([{ role: 'user', content: 'My invoice is wrong, who do I ask?' }]);
    await page.getByTestId('try-it-input').scrollIntoViewIfNeeded();
    await shoot('try');
  });
});
