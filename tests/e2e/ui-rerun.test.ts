// "Save as loop spec" and "Run again" in Chromium against `looplab serve`, a fake Ollama and the real
// sandbox: a finished spec run is saved as a spec from its page (a bad name is refused in place), the
// spec opens in the launcher with the run's parameters, and runs again with another value; the new run
// says which run it runs again. Screenshots of the run page and the dialog, light and dark, two sizes.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { launchChromium, openServe, skipBrowser } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import { skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const sizes = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

describe.skipIf(skipBrowser || skipDocker)('save a run as a loop spec and run it again, in the UI', () => {
  let home: TempHome;
  let specDir: string;
  let ollama: FakeServer;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let firstId: string;

  beforeAll(async () => {
    home = makeTempHome();
    specDir = mkdtempSync(join(tmpdir(), 'looplab-ui-rerun-'));
    writeFileSync(join(specDir, 'q2.txt'), 'What is two plus two?\n');
    writeFileSync(
      join(specDir, 'loop.yaml'),
      'name: answer\ngoal: Answer {{questions}} for {{who}}.\nparams:\n  questions: { default: q1.txt }\n  who: { default: the team }\ndata: [ "{{questions}}" ]\n',
    );
    ollama = await startOllamaServer({ turns: [{ text: ['Answered for Ada.'] }, { text: ['Answered for Grace.'] }] });
    const env = { OLLAMA_HOST: ollama.url, LOOPLAB_HOME: home.paths.root };
    const first = await runCli(
      ['run', '--spec', join(specDir, 'loop.yaml'), '--param', 'questions=q2.txt', '--param', 'who=Ada', '--json'],
      { env },
    );
    expect(first.stderr).toContain('spec answer');
    firstId = (JSON.parse(first.stdout) as { runId: string }).runId;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: sizes[0] });
    page.setDefaultTimeout(15_000);
    mkdirSync(screenshots, { recursive: true });
    serveProcess = await openServe(page, home.paths.root, { OLLAMA_HOST: ollama.url });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    await ollama?.close();
    home?.remove();
    rmSync(specDir, { recursive: true, force: true });
  });

  async function shoot(name: string): Promise<void> {
    for (const size of sizes) {
      await page.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `${name}-${size.width}x${size.height}-${scheme}.png`) });
      }
    }
    await page.setViewportSize(sizes[0]);
  }

  it('saves the finished run as a spec, and runs it again with another parameter', async () => {
    await page.getByTestId('run-row').filter({ hasText: 'who=Ada' }).click();
    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor();
    await page.getByTestId('save-spec-run').waitFor();
    await shoot('run-again-buttons');

    await page.getByTestId('save-spec-run').click();
    await page.getByTestId('save-spec-name').fill('bad name!');
    await page.getByTestId('save-spec-submit').click();
    expect(await page.getByTestId('save-spec-error').textContent()).toContain(
      '"bad name!" cannot be a spec name: use letters, digits',
    );
    await shoot('save-spec-dialog');
    await page.getByTestId('save-spec-name').fill('answer-again');
    await page.getByTestId('save-spec-submit').click();
    await page.getByTestId('save-spec-done').waitFor();
    const saved = join(home.paths.root, 'specs', 'answer-again');
    expect(readFileSync(join(saved, 'q2.txt'), 'utf8')).toBe('What is two plus two?\n');

    await page.getByTestId('save-spec-open').click();
    await page.getByTestId('run-again-note').waitFor();
    expect(await page.getByTestId('spec-select').inputValue()).toBe('answer-again');
    expect(await page.getByTestId('spec-param-questions').inputValue()).toBe('q2.txt');
    expect(await page.getByTestId('spec-param-who').inputValue()).toBe('Ada');
    await page.getByTestId('spec-param-who').fill('Grace');
    await shoot('run-again-launcher');
    await page.getByTestId('spec-submit').click();

    const detail = page.locator('[data-testid="run-detail"]').filter({ hasText: 'Answer q2.txt for Grace.' });
    await detail.waitFor();
    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor();
    expect(await page.locator('.run-fork').textContent()).toBe(`Run again of ${firstId}`);
    const row = page.getByTestId('run-row').filter({ hasText: 'who=Grace' });
    expect(await row.getByTestId('run-fork').textContent()).toBe(`run again of ${firstId}`);
  });
});
