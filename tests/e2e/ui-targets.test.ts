// Compute targets in the settings screen of `looplab serve` in Chromium: a person adds a Docker engine
// over SSH, is told what is wrong with an address missing its ssh://, saves it (it is in settings.json),
// tests it and reads that nothing answers there and what to check, changes its cost, and removes it
// after confirming. Screenshots light and dark at two window sizes: the form, and the list with a test.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/shared/targets';
import { launchChromium, openServe, screenshotThemes, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');

describe.skipIf(skipBrowser)('compute targets in settings, in Chromium', () => {
  let home: TempHome;
  let serveProcess: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;
  let knownHosts: string;

  const savedTargets = () =>
    existsSync(home.paths.settings)
      ? ((JSON.parse(readFileSync(home.paths.settings, 'utf8')) as { targets?: Target[] }).targets ?? [])
      : [];
  const fieldError = (section: Locator, testId: string) =>
    section.locator('label', { has: page.getByTestId(testId) }).getByTestId('field-error');

  beforeAll(async () => {
    home = makeTempHome();
    // The host's key is checked against this (empty) file; the address refuses before any key is seen.
    knownHosts = join(home.paths.root, 'known_hosts');
    writeFileSync(knownHosts, '');
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

  it('adds a Docker target, tests it, changes its cost and removes it', async () => {
    await page.getByTestId('open-settings').click();
    const section = page.getByTestId('settings-targets');
    await section.waitFor();
    const rows = section.getByTestId('target');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getByTestId('target-row-name').textContent()).toBe('local');
    expect(await section.getByTestId('targets-empty').textContent()).toContain('jobs run on this machine');

    await section.getByTestId('target-add').click();
    const form = section.getByTestId('target-form');
    await form.getByTestId('target-name').fill('gpu-box');
    await form.getByTestId('target-host').fill('nobody@127.0.0.1:1');
    await form.getByTestId('target-knownHosts').fill(knownHosts);
    await form.getByTestId('target-costPerHour').fill('0.5');
    await form.getByTestId('target-save').click();
    expect(await fieldError(form, 'target-host').textContent()).toBe(
      'an engine address: ssh://user@host[:port], or tcp://host:port with tls',
    );
    expect(savedTargets()).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await screenshotThemes(page, join(screenshots, 'settings-targets-form'));
    await page.setViewportSize({ width: 1440, height: 900 });

    await form.getByTestId('target-host').fill('ssh://nobody@127.0.0.1:1');
    await form.getByTestId('target-save').click();
    await form.waitFor({ state: 'detached' });
    expect(savedTargets()).toEqual([
      { name: 'gpu-box', kind: 'docker', host: 'ssh://nobody@127.0.0.1:1', knownHosts, costPerHour: 0.5 },
    ]);
    const row = rows.filter({ has: page.getByText('gpu-box', { exact: true }) });
    expect(await row.getByTestId('target-row-address').textContent()).toBe('ssh://nobody@127.0.0.1:1');
    expect(await row.getByTestId('target-rate').textContent()).toBe('$0.50/hour');

    await row.getByTestId('target-test').click();
    await row.getByTestId('target-check-head').waitFor();
    expect(await row.getByTestId('target-check-head').textContent()).toBe('Not reachable');
    expect(await row.getByTestId('target-check-problem').textContent()).toBe(
      'Target gpu-box (ssh://nobody@127.0.0.1:1): nothing answers on its SSH port. Is sshd running there, and is the port right?',
    );
    await section.scrollIntoViewIfNeeded();
    await screenshotThemes(page, join(screenshots, 'settings-targets'));
    await page.setViewportSize({ width: 1440, height: 900 });

    await row.getByTestId('target-edit').click();
    await section.getByTestId('target-costPerHour').fill('');
    await section.getByTestId('target-costPerGpuHour').fill('1.25');
    await section.getByTestId('target-gpus').fill('2');
    await section.getByTestId('target-save').click();
    await section.getByTestId('target-form').waitFor({ state: 'detached' });
    expect(await row.getByTestId('target-rate').textContent()).toBe('$1.25/GPU-hour × 2');
    expect(savedTargets()).toEqual([
      { name: 'gpu-box', kind: 'docker', host: 'ssh://nobody@127.0.0.1:1', knownHosts, gpus: 2, costPerGpuHour: 1.25 },
    ]);

    await row.getByTestId('target-remove').click();
    expect(await row.getByRole('group').getAttribute('aria-label')).toBe('Remove gpu-box?');
    await row.getByTestId('target-remove-confirm').click();
    await row.waitFor({ state: 'detached' });
    expect(savedTargets()).toEqual([]);
    expect(await rows.count()).toBe(1);
  }, 120_000);
});
