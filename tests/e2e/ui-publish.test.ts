// A person approves a publish in the UI of `looplab serve` in Chromium: a scripted model (a fake Ollama)
// writes an adapter into outputs/model and calls hub_publish; the approval card shows the dry run (the
// repo, private, each file with its size, the card Looplab wrote from the run) with no "Always allow"
// and no edit, left alone by "Approve all"; once approved, the commit on the fake Hub holds those files
// and exactly that card.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type FakeHub } from '../fakes/hub-server';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { openServeInChromium, screenshotThemes, skipBrowser } from '../helpers/browser';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const ADAPTER_CONFIG = JSON.stringify({ base_model_name_or_path: 'Qwen/Qwen2.5-0.5B', peft_type: 'LORA', r: 8 });
const WEIGHTS = 'w'.repeat(5000);

describe.skipIf(skipBrowser)('publishing to the Hub from the UI', () => {
  let home: TempHome;
  let ollama: FakeServer;
  let hub: FakeHub;
  let serve: ChildProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    home = makeTempHome();
    hub = await startHubServer({ publishers: [{ token: 'hf_me', user: 'me' }], lfsThreshold: 4096 });
    ollama = await startOllamaServer({
      turns: [
        {
          text: ['Writing the adapter.'],
          toolCalls: [
            { name: 'write', arguments: { path: 'outputs/model/adapter_config.json', content: ADAPTER_CONFIG } },
            { name: 'write', arguments: { path: 'outputs/model/adapter_model.safetensors', content: WEIGHTS } },
          ],
        },
        {
          text: ['Publishing it.'],
          toolCalls: [
            { name: 'write', arguments: { path: 'notes.md', content: '# Published\n' } },
            { name: 'hub_publish', arguments: { kind: 'model', repo: 'me/tickets-lora', paths: ['outputs/model'] } },
          ],
        },
        { text: ['Published to me/tickets-lora.'] },
      ],
    });
    ({ browser, page, serve } = await openServeInChromium(
      home.paths.root,
      { OLLAMA_HOST: ollama.url, HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_me' },
      screenshots,
    ));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    await ollama?.close();
    await hub?.close();
    home?.remove();
  });

  it('shows the dry run, and once approved the commit is on the Hub', async () => {
    await page.getByTestId('start-goal').fill('Publish the adapter to me/tickets-lora');
    await page.getByTestId('start-model').fill('ollama/qwen2.5-coder:7b');
    await page.getByTestId('start-host-runtime').check();
    await page.getByTestId('ask-write').check();
    await page.getByTestId('start-submit').click();
    // The adapter's two writes, approved together.
    await page.getByTestId('approval').filter({ hasText: 'adapter_config.json' }).waitFor();
    await page.getByTestId('approve-all').click();

    // "Approve all" approves the note's write, and leaves the publish to be approved on its own card.
    const note = page.getByTestId('approval').filter({ hasText: 'notes.md' });
    await note.waitFor();
    expect(await page.getByTestId('approve-all').getAttribute('title')).toBe('Publishing is approved on its own card.');
    await page.getByTestId('approve-all').click();
    await note.waitFor({ state: 'detached' });

    const card = page.getByTestId('approval').filter({ hasText: 'Publish to the Hub' });
    await card.waitFor();
    const plan = await card.locator('.publish-plan').textContent();
    expect(plan!.split('\n')).toEqual([
      'Publish to the Hub: model me/tickets-lora (created private if missing)',
      `  ${hub.url}/me/tickets-lora`,
      expect.stringMatching(/^Commit: Publish from the Looplab run run_\w+$/),
      expect.stringMatching(/^Files \(3, 5\.\d KB\):$/),
      '  adapter_config.json             72 B  ← outputs/model/adapter_config.json',
      '  adapter_model.safetensors     4.9 KB  ← outputs/model/adapter_model.safetensors',
      expect.stringMatching(/^ {2}README\.md {18,}\d+ B {2}\(the card below\)$/),
    ]);
    const shown = (await card.getByTestId('publish-card').textContent())!;
    expect(shown).toContain('base_model: Qwen/Qwen2.5-0.5B\nlibrary_name: peft\ntags:\n  - looplab\n');
    expect(await card.getByTestId('always-allow').count()).toBe(0);
    expect(await card.getByTestId('edit-approve').count()).toBe(0);
    expect(hub.publish.commits).toEqual([]);
    // At each size, the answers below the card in view, as a person scrolls to them.
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await card.getByTestId('approve').scrollIntoViewIfNeeded();
      expect(await card.getByTestId('approve').isVisible()).toBe(true);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `ui-publish-approval-${width}-${scheme}.png`) });
      }
    }

    await card.getByTestId('approve').click();
    await page.locator('[data-testid="status-bar"][data-state="finished"]').waitFor();
    expect(hub.publish.created).toEqual([{ kind: 'model', id: 'me/tickets-lora', private: true }]);
    const [commit] = hub.publish.commits;
    expect(commit!.files.map((file) => [file.path, file.size, file.lfs])).toEqual([
      ['adapter_config.json', 72, false],
      ['adapter_model.safetensors', 5000, true],
      ['README.md', Buffer.byteLength(shown), false],
    ]);
    // What was shown is what was committed.
    expect(commit!.text['README.md']).toBe(shown);
    const entry = page.getByTestId('transcript-entry').filter({ hasText: 'hub_publish' });
    await entry.getByRole('button', { name: '▸ output' }).click();
    await expect
      .poll(() => entry.textContent())
      .toContain('Published 3 files to the private model repo me/tickets-lora (created)');
    await screenshotThemes(page, join(screenshots, 'ui-publish-done'));
  });
});
