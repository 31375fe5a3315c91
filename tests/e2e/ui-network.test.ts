// A person whose Settings give new runs an allow-list starts a run in the UI of `looplab serve` (a fake
// Ollama, the real sandbox and proxy): the model's pip install from an index off the list makes the run
// ask; the person sees the host, chooses Always allow, and the install goes through. The step's card says
// what the network did, and Settings shows the allow-list.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { PACKAGE, startPackageIndex, type PackageIndex } from '../fixtures/package-index';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from '../fixtures/train-jobs';
import { launchChromium, openServe, skipBrowser } from '../helpers/browser';
import { dockerRequired, requireDocker, skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const sizes = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;
const present = ciImagePresent();

describe.skipIf(skipBrowser || skipDocker || (!present && !dockerRequired))('a network question in the UI', () => {
  let home: TempHome;
  let index: PackageIndex;
  let ollama: FakeServer;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;

  async function shoot(name: string): Promise<void> {
    for (const size of sizes)
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: join(screenshots, `ui-network-${name}-${colorScheme}-${size.width}.png`) });
      }
    await page.setViewportSize(sizes[0]);
  }

  beforeAll(async () => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    index = await startPackageIndex(new Docker(), CI_IMAGE);
    home = makeTempHome('looplab-ui-network-');
    writeFileSync(home.paths.settings, JSON.stringify({ sandbox: { network: { allow: ['pypi', index.listed] } } }));
    const [ip] = index.unlisted.split(':');
    const install = `pip install --timeout 120 --no-cache-dir --disable-pip-version-check --target /tmp/pkgs --index-url http://${index.unlisted}/simple --trusted-host ${ip} ${PACKAGE} 2>&1 | tail -n 2`;
    ollama = await startOllamaServer({
      turns: [
        { text: ['I will install the package.'], toolCalls: [{ name: 'bash', arguments: { command: install } }] },
        { text: ['Installed it.'] },
      ],
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: sizes[0] });
    page.setDefaultTimeout(15_000);
    mkdirSync(screenshots, { recursive: true });
    serveProcess = await openServe(page, home.paths.root, { OLLAMA_HOST: ollama.url, LOOPLAB_SANDBOX_IMAGE: CI_IMAGE });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    await ollama?.close();
    await index?.stop();
    home?.remove();
  });

  it('asks about a host off the list; Always allow lets the install through', { timeout: 120_000 }, async () => {
    await page.getByTestId('start-goal').fill('Install tinypkg from our lab index');
    await page.getByTestId('start-submit').click();
    await page.getByTestId('run-detail').waitFor({ timeout: 60_000 });

    const card = page.locator('[data-testid="approval"][data-kind="network"]');
    await card.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      // What the person saw instead (the run ended without asking, or asked and the page did not show it).
      const shown = await page
        .locator('body')
        .innerText()
        .catch(() => '(the page could not be read)');
      throw new Error(`${String(error)}\nThe page showed:\n${shown.slice(0, 6000)}`);
    });
    expect(await card.getByTestId('network-host').textContent()).toBe(index.unlisted);
    expect(await card.textContent()).toContain(`The sandbox wants to reach ${index.unlisted}`);
    expect(await page.getByText('The sandbox waits to reach a host').count()).toBe(1);
    await shoot('question');

    await card.getByTestId('always-allow').click();
    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor({ timeout: 60_000 });
    // The run went on: the step's card counts its connections, none refused, to the host just allowed.
    const network = page.getByTestId('graph-network').first();
    await network.waitFor();
    expect(await network.textContent()).toMatch(/^\d+ connections? · \d+(\.\d+)? (B|KB)$/);
    expect(await network.getAttribute('title')).toContain(index.unlisted);
    expect(await page.locator('[data-testid="graph-call"]').first().getAttribute('data-status')).toBe('done');
    await expect.poll(() => page.getByText('Installed it.').count()).toBeGreaterThan(0);
    // The run's summary counts them too.
    expect(await page.getByTestId('result-network').textContent()).toMatch(/^ · \d+ connections?$/);
    await shoot('graph');
  });

  it('shows the allow-list in Settings', async () => {
    await page.getByTestId('open-settings').click();
    expect(await page.getByTestId('network-allow').isChecked()).toBe(true);
    expect(await page.getByTestId('network-hosts').inputValue()).toBe(`pypi, ${index.listed}`);
    await page.getByTestId('settings-sandbox').scrollIntoViewIfNeeded();
    await shoot('settings');
  });
});
