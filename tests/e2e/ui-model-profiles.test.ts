// Model profiles in the settings screen of `looplab serve` in Chromium: the default model's effective
// profile with where each value comes from; a profile of the person's turns thinking on and sends tools
// as text for that model, a wrong temperature is named under its row, and the saved profile is in
// settings.json and in the effective profile. Screenshots light and dark at two window sizes.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openServe, screenshotThemes, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(skipBrowser)('model profiles in settings, in Chromium', () => {
  let home: TempHome;
  let serveProcess: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    home = makeTempHome();
    writeFileSync(home.paths.settings, JSON.stringify({ defaultModel: 'ollama/qwen3:8b' }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
    mkdirSync(screenshots, { recursive: true });
    serveProcess = await openServe(page, home.paths.root, { LOOPLAB_MODEL: '' });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    home?.remove();
  });

  it("shows the default model's profile and saves the person's own over it", async () => {
    await page.getByTestId('open-settings').click();
    const section = page.getByTestId('settings-profiles');
    await section.waitFor();
    const effective = section.getByTestId('profile-effective');
    expect(await effective.textContent()).toContain('ollama/qwen3:8b');
    expect(await effective.getByTestId('effective-think').textContent()).toBe('Thinkingoffbuilt-in · ollama/qwen3*');
    expect(await effective.getByTestId('effective-tools').textContent()).toContain('sent to the server');

    await section.getByTestId('profile-add').click();
    const row = section.getByTestId('profile').last();
    expect(await row.getByTestId('profile-pattern').inputValue()).toBe('ollama/qwen3:8b');
    await row.getByTestId('profile-temperature').fill('3');
    await section.getByTestId('save').click();
    expect(await row.getByTestId('field-error').allTextContents()).toEqual(['a number from 0 to 2']);
    expect(existsSync(home.paths.settings) && readFileSync(home.paths.settings, 'utf8')).not.toContain('modelProfiles');

    await row.getByTestId('profile-temperature').fill('0.4');
    await row.getByTestId('profile-think').selectOption('on');
    await row.getByTestId('profile-tools').selectOption('text');
    await section.getByTestId('save').click();
    await section.getByTestId('saved').waitFor();
    expect(await effective.getByTestId('effective-think').textContent()).toBe('Thinkingonyours · ollama/qwen3:8b');
    expect(await effective.getByTestId('effective-tools').textContent()).toContain('described in the prompt');
    expect(await effective.getByTestId('effective-contextLength').textContent()).toContain('built-in · ollama/qwen3*');
    const saved = JSON.parse(readFileSync(home.paths.settings, 'utf8')) as { modelProfiles?: unknown };
    expect(saved.modelProfiles).toEqual({ 'ollama/qwen3:8b': { temperature: 0.4, think: true, tools: 'text' } });

    await section.scrollIntoViewIfNeeded();
    await screenshotThemes(page, join(screenshots, 'settings-model-profiles'));
  }, 120_000);
});
