// A person configures Looplab from the settings screen of `looplab serve` in Chromium: adds an
// OpenAI-compatible server (a fake on 127.0.0.1 that insists on its key) with its key, sees the
// connection test pass, restarts serve and finds the server still there with only the key's last
// characters shown; then answers a run's approval with "Always allow…", and the next matching call
// goes ahead without asking while the rule shows in settings.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/http-fake';
import { startOpenAIServer } from '../fakes/openai-server';
import { launchChromium, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const KEY = 'local-key-9b2f6c1e8a4d7f3b5e0c2a9d6f1b8e4c';

describe.skipIf(skipBrowser)('settings in Chromium', () => {
  let home: TempHome;
  let server: FakeServer;
  let serveProcess: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;

  async function startServe(): Promise<void> {
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root], {
      // Nothing from the environment: the provider and its key come from settings alone.
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', LOOPLAB_MODEL: '' },
    });
    const openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    await page.goto(openUrl);
  }

  async function stopServe(): Promise<void> {
    const child = serveProcess;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  beforeAll(async () => {
    home = makeTempHome();
    const write = (path: string) => ({ name: 'write', arguments: { path, content: `${path}\n` } });
    server = await startOpenAIServer({
      apiKey: KEY,
      turns: [{ toolCalls: [write('notes/a.md')] }, { toolCalls: [write('notes/b.md')] }, { text: ['Both written.'] }],
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    mkdirSync(screenshots, { recursive: true });
    await startServe();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stopServe();
    await server?.close();
    home?.remove();
  });

  it('adds a server with its key, tests it, and finds it again after a restart with only the hint shown', async () => {
    await page.getByTestId('open-settings').click();
    const providers = page.getByTestId('settings-providers');
    await providers.waitFor();
    await providers.getByTestId('endpoint-add').click();
    const endpoint = providers.getByTestId('endpoint').last();
    await endpoint.getByTestId('endpoint-name').fill('local');
    await endpoint.getByTestId('endpoint-url').fill('not a url');
    await providers.getByTestId('save').click();
    expect(await endpoint.getByTestId('field-error').textContent()).toBe('a URL starting with http:// or https://');

    await endpoint.getByTestId('endpoint-url').fill(`${server.url}/v1`);
    await endpoint.getByTestId('endpoint-key').fill(KEY);
    await providers.getByTestId('save').click();
    await providers.getByTestId('saved').waitFor();
    expect(await endpoint.getByTestId('field-error').count()).toBe(0);
    expect(await endpoint.getByTestId('endpoint-key-status').textContent()).toContain('set …8e4c');
    expect(await endpoint.getByTestId('endpoint-key').inputValue()).toBe('');

    await endpoint.getByTestId('test-model').fill('gpt-4o-mini');
    await endpoint.getByTestId('test-connection').click();
    await endpoint.getByTestId('connection-status').waitFor();
    expect(await endpoint.getByTestId('connection-status').textContent()).toContain('connected');
    const usage = page.getByTestId('settings-storage');
    expect(await usage.getByTestId('storage-home').textContent()).toBe(home.paths.root);
    await page.screenshot({ path: join(screenshots, 'ui-settings-providers.png'), fullPage: true });

    await stopServe();
    await startServe();
    await page.getByTestId('open-settings').click();
    const again = page.getByTestId('settings-providers').getByTestId('endpoint');
    await again.first().waitFor();
    expect(await again.count()).toBe(1);
    expect(await again.getByTestId('endpoint-name').inputValue()).toBe('local');
    expect(await again.getByTestId('endpoint-url').inputValue()).toBe(`${server.url}/v1`);
    expect(await again.getByTestId('endpoint-key').inputValue()).toBe('');
    expect(await again.getByTestId('endpoint-key-status').textContent()).toContain('set …8e4c');
    expect(await page.content()).not.toContain(KEY);
  });

  it('"Always allow…" saves a rule, and the run stops asking about matching calls', async () => {
    const defaults = page.getByTestId('settings-defaults');
    await defaults.getByTestId('default-model').fill('local/gpt-4o-mini');
    await defaults.getByTestId('save').click();
    await defaults.getByTestId('saved').waitFor();
    await page.getByTestId('close-settings').click();

    await page.getByTestId('start-goal').fill('Write two notes');
    // The start form takes the saved default once Settings has handed it over.
    await expect.poll(() => page.getByTestId('start-model').inputValue()).toBe('local/gpt-4o-mini');
    await page.getByTestId('ask-write').check();
    await page.getByTestId('start-host-runtime').check();
    await page.getByTestId('start-submit').click();

    const card = page.getByTestId('approval').filter({ hasText: 'notes/a.md' });
    await card.waitFor({ timeout: 15_000 });
    await card.getByTestId('always-allow').click();
    const dialog = card.getByTestId('always-allow-dialog');
    expect(await dialog.getByTestId('always-allow-arg').inputValue()).toBe('path');
    expect(await dialog.getByTestId('always-allow-pattern').inputValue()).toBe('notes/a.md');
    await dialog.getByTestId('always-allow-pattern').fill('notes/*');
    await page.screenshot({ path: join(screenshots, 'ui-settings-always-allow.png') });
    await dialog.getByTestId('always-allow-confirm').click();

    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor({ timeout: 15_000 });
    const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(chats).toHaveLength(3);
    expect(await page.getByTestId('approval').count()).toBe(0);
    await page.getByTestId('view-events').click();
    await page
      .getByTestId('event-row')
      .filter({ hasText: 'rule added: allow write where path matches "notes/*"' })
      .waitFor();

    await page.getByTestId('open-settings').click();
    const rule = page.getByTestId('settings-rules').getByTestId('rule');
    await rule.first().waitFor();
    expect(await rule.count()).toBe(1);
    expect(await rule.getByTestId('rule-tool').inputValue()).toBe('write');
    expect(await rule.getByTestId('rule-arg').inputValue()).toBe('path');
    expect(await rule.getByTestId('rule-pattern').inputValue()).toBe('notes/*');
    expect(await rule.getByTestId('rule-action').inputValue()).toBe('allow');
  });
});
