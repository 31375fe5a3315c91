// A person drives runs from the UI of `looplab serve` in Chromium, against a fake Ollama: a model that
// is not there is reported in the start form with what to do; a run started with "ask before write"
// grows its graph live and waits; one write is approved, one edited (a new path) then approved, one
// rejected with feedback that reaches the model; the files land in the run's workspace; a run whose
// model stalls is stopped and resumed to the end.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { launchChromium, skipBrowser } from '../helpers/browser';
import { spawnCli, waitForLine } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const screenshots = join(import.meta.dirname, '..', '..', 'test-results');
const FEEDBACK = 'Do not write c.py; print the result instead.';

describe.skipIf(skipBrowser)('driving runs from the UI in Chromium', () => {
  let home: TempHome;
  let ollama: FakeServer;
  let serveProcess: ChildProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    home = makeTempHome();
    ollama = await startOllamaServer({
      turns: [
        {
          text: ['I will write ', 'three files.'],
          delayMs: 150,
          toolCalls: [
            { name: 'write', arguments: { path: 'a.py', content: 'print("a")\n' } },
            { name: 'write', arguments: { path: 'b.py', content: 'print("b")\n' } },
            { name: 'write', arguments: { path: 'c.py', content: 'print("c")\n' } },
          ],
          usage: { input: 1200, output: 90 },
        },
        { text: ['Two files written; c.py left out as asked.'], usage: { input: 1500, output: 20 } },
        { text: ['Thinking'], stallAfter: 1 },
        { text: ['Done after the resume.'] },
        { toolCalls: [{ name: 'write', arguments: { path: 'notes.md', content: '# Notes\n' } }] },
        { text: ['Finished with one more step.'] },
        { text: ['Forked: the notes stay as they are.'] },
      ],
    });
    serveProcess = spawnCli(['serve', '--port', '0', '--home', home.paths.root], {
      env: { OLLAMA_HOST: ollama.url },
    });
    const openUrl = (await waitForLine(serveProcess, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/))[1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    mkdirSync(screenshots, { recursive: true });
    await page.goto(openUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGTERM');
    await ollama?.close();
    home?.remove();
  });

  async function shoot(name: string): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `ui-runs-${name}-${scheme}.png`) });
    }
  }

  function statusBar(state: string): Locator {
    return page.locator(`[data-testid="status-bar"][data-state="${state}"]`);
  }

  /** The approval card asking about the call whose summary starts with `summary`. */
  async function approvalFor(summary: string): Promise<Locator> {
    const card = page.getByTestId('approval').filter({ hasText: summary });
    await card.waitFor({ timeout: 15_000 });
    return card;
  }

  /**
   * The graph's nodes as a person reads them (top to bottom, then left to right), all in view: each as
   * its kind, status and words, a step followed by its calls (named `tool` or `approval` by what they are).
   */
  async function graphNodes(): Promise<string[][]> {
    await page.getByTestId('run-graph').getByRole('button', { name: 'Overview' }).click();
    return page.getByTestId('graph-node').evaluateAll((nodes) =>
      nodes
        .map((node) => ({ node, box: node.getBoundingClientRect() }))
        .sort((a, b) => Math.round(a.box.y) - Math.round(b.box.y) || a.box.x - b.box.x)
        .flatMap(({ node }) => [
          [
            node.getAttribute('data-kind') ?? '',
            node.getAttribute('data-status') ?? '',
            node.querySelector('.graph-node-label')?.textContent ?? '',
          ],
          ...[...node.querySelectorAll('[data-testid="graph-call"]')].map((call) => [
            (call.getAttribute('data-node-id') ?? '').split(':')[0]!,
            call.getAttribute('data-status') ?? '',
            call.querySelector('.loop-call-text')?.textContent ?? '',
          ]),
        ]),
    );
  }

  it('says in the form when the model is not there, and how to get it', async () => {
    await page.getByTestId('start-goal').fill('Write three small scripts');
    await page.getByTestId('start-model').fill('ollama/nope:1b');
    await page.getByTestId('start-submit').click();
    const error = page.getByTestId('start-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('ollama/nope:1b is not ready');
    expect(await error.textContent()).toContain('ollama pull nope:1b');
    expect(await page.getByTestId('run-detail').count()).toBe(0);
    await shoot('start-error');
  });

  it('starts a run that asks before writing, and answers each write differently', async () => {
    expect(await page.getByTestId('start-model').inputValue()).toBe('ollama/nope:1b');
    await page.getByTestId('start-model').fill('ollama/qwen2.5-coder:7b');
    await page.getByTestId('ask-write').check();
    await page.getByTestId('start-submit').click();

    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    const runId = (await detail.getAttribute('data-run-id'))!;
    expect(runId).toMatch(/^run_/);
    expect(await page.getByTestId('start-error').count()).toBe(0);

    // The graph grows as the events arrive: the goal, the model call (its words streaming below the
    // timeline until the reply is recorded), then the three calls it made, all waiting for the person.
    await page.locator('[data-testid="graph-node"][data-kind="step"][data-status="running"]').waitFor();
    await page.getByTestId('live-text').filter({ hasText: 'I will write three files.' }).waitFor();
    const first = await approvalFor('write a.py');
    expect(await page.getByTestId('live-text').count()).toBe(0);
    await expect.poll(graphNodes, { timeout: 5000 }).toEqual([
      ['goal', 'done', 'Write three small scripts'],
      ['step', 'waiting', 'I will write three files.'],
      ['approval', 'waiting', 'write a.py (11 bytes)'],
      ['approval', 'waiting', 'write b.py (11 bytes)'],
      ['approval', 'waiting', 'write c.py (11 bytes)'],
    ]);
    expect(await page.getByTestId('approval').count()).toBe(3);
    expect(await statusBar('waiting').textContent()).toContain('waiting for approval');
    expect(await first.textContent()).toContain('print("a")');
    await shoot('approval');
    await first.getByTestId('approve').click();

    const second = await approvalFor('write b.py');
    await second.getByTestId('edit-approve').click();
    const path = second.locator('[data-testid="edit-field"][data-field="path"]');
    expect(await path.inputValue()).toBe('b.py');
    expect(await second.locator('[data-testid="edit-field"][data-field="content"]').inputValue()).toBe('print("b")\n');
    await path.fill('renamed.py');
    await shoot('edit');
    await second.getByTestId('approve-edited').click();

    const third = await approvalFor('write c.py');
    await page.keyboard.press('r');
    expect(await third.getByTestId('reject-feedback').evaluate((element) => element === document.activeElement)).toBe(
      true,
    );
    await page.keyboard.type(FEEDBACK);
    await third.getByTestId('reject').click();

    await statusBar('finished').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('approval').count()).toBe(0);
    await expect.poll(graphNodes, { timeout: 5000 }).toEqual([
      ['goal', 'done', 'Write three small scripts'],
      ['step', 'done', 'I will write three files.'],
      ['tool', 'done', 'write a.py'],
      ['tool', 'done', 'write renamed.py'],
      ['approval', 'rejected', 'write c.py (11 bytes)'],
      ['step', 'done', 'Two files written; c.py left out as asked.'],
    ]);
    const bar = await page.getByTestId('status-bar').textContent();
    expect(bar).toContain('2 / 50 steps');
    expect(bar).toContain('2.8k tokens');

    // The files are what the person decided, in the run's own folder.
    const workspace = join(home.paths.workspaces, runId);
    expect(readFileSync(join(workspace, 'a.py'), 'utf8')).toBe('print("a")\n');
    expect(readFileSync(join(workspace, 'renamed.py'), 'utf8')).toBe('print("b")\n');
    expect(existsSync(join(workspace, 'b.py'))).toBe(false);
    expect(existsSync(join(workspace, 'c.py'))).toBe(false);

    // The model read the outcome of every call, the rejection's feedback included.
    const chats = ollama.requests.filter((request) => request.path === '/api/chat');
    const lastChat = chats.at(-1)!.body as { messages: { role: string; content: string }[] };
    expect(lastChat.messages.filter((message) => message.role === 'tool').map((message) => message.content)).toEqual([
      'Wrote a.py (11 bytes, 2 lines).',
      'Wrote renamed.py (11 bytes, 2 lines).',
      `The person rejected this call: ${FEEDBACK}`,
    ]);
  });

  it('opens a node to show its events, arguments and output', async () => {
    // The step's second call: the write renamed when it was approved.
    const tool = page.locator('[data-testid="graph-call"][data-node-id^="tool:"]').nth(1);
    await tool.click();
    const inspector = page.getByTestId('node-inspector');
    await inspector.waitFor();
    expect(await inspector.textContent()).toContain('write renamed.py');
    await page.getByTestId('view-events').click();
    const rows = page.locator('[data-testid="event-row"].highlighted');
    // The call, the workspace snapshot it made, and its result.
    expect(await rows.count()).toBe(3);
    const text = (await rows.allTextContents()).join('\n');
    expect(text).toContain('"path": "renamed.py"');
    expect(text).toMatch(/workspace: \d+ files? · \d+ KB/);
    expect(text).toContain('Wrote renamed.py (11 bytes, 2 lines).');
    expect(await tool.getAttribute('class')).toContain('selected');
    expect(await inspector.getByTestId('file-change').getAttribute('data-kind')).toBe('new');
    await shoot('node');

    // The same run read as a transcript (the first tab): the goal, each write with its decision, the feedback.
    await page.getByTestId('view-transcript').click();
    const transcript = page.getByTestId('transcript');
    await transcript.waitFor();
    const calls = transcript.locator('[data-testid="transcript-entry"][data-kind="call"]');
    expect(await calls.count()).toBe(3);
    expect(await calls.getByTestId('transcript-decision').allTextContents()).toEqual([
      'Approved',
      'Approved',
      `Rejected${FEEDBACK}`,
    ]);
    expect(await transcript.textContent()).toContain('Write three small scripts');
    expect(await calls.nth(1).getByTestId('file-change').textContent()).toContain('renamed.py');
    await shoot('transcript');
    await page.getByTestId('view-events').click();
  });

  it('stops a run whose model stalls and resumes it to the end', async () => {
    await page.getByTestId('new-run').click();
    await page.getByTestId('ask-write').uncheck();
    await page.getByTestId('start-goal').fill('Think it over');
    await page.getByTestId('start-submit').click();
    await page.locator('[data-testid="run-detail"]').filter({ hasText: 'Think it over' }).waitFor();

    await statusBar('writing').waitFor();
    expect(await page.getByTestId('live-text').textContent()).toContain('Thinking');
    expect(await page.getByTestId('resume-run').count()).toBe(0);
    await shoot('live');
    await page.getByTestId('stop-run').click();

    await statusBar('interrupted').waitFor();
    expect(await page.getByTestId('stop-run').count()).toBe(0);
    expect(await page.getByTestId('live-text').count()).toBe(0);
    const running = page.locator('[data-testid="graph-node"][data-kind="step"]');
    expect(await running.getAttribute('data-status')).toBe('error');
    await shoot('interrupted');
    await page.getByTestId('resume-run').click();

    await statusBar('finished').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('resume-run').count()).toBe(0);
    expect(await page.getByTestId('run-detail').textContent()).toContain('Done after the resume.');
    const row = page.locator('[data-testid="run-row"]').filter({ hasText: 'Think it over' });
    expect(await row.getByTestId('run-status').textContent()).toBe('finished');
    await expect.poll(graphNodes, { timeout: 5000 }).toEqual([
      ['goal', 'done', 'Think it over'],
      ['step', 'error', 'stopped by the person'],
      ['step', 'done', 'Done after the resume.'],
    ]);
  });

  it('resumes a run stopped by its step limit with the limit raised', async () => {
    await page.getByTestId('new-run').click();
    await page.getByTestId('start-goal').fill('Take one step');
    await page.getByTestId('start-max-steps').fill('1');
    await page.getByTestId('start-submit').click();
    await page.locator('[data-testid="run-detail"]').filter({ hasText: 'Take one step' }).waitFor();

    await statusBar('stopped').waitFor();
    expect(await page.getByTestId('run-detail').textContent()).toContain('Step limit of 1 reached.');
    expect(await page.getByTestId('status-steps').textContent()).toBe('1 / 1 steps');
    const resume = page.getByTestId('resume-run');
    expect(await resume.textContent()).toBe('Resume (+1 step)');
    await shoot('step-limit');
    await resume.click();

    await statusBar('finished').waitFor();
    expect(await page.getByTestId('status-steps').textContent()).toBe('2 steps');
    expect(await page.getByTestId('run-detail').textContent()).toContain('Finished with one more step.');
  });

  it('forks that run from its write, with a message, and opens the fork', async () => {
    const parentId = (await page.getByTestId('run-detail').getAttribute('data-run-id'))!;
    await page.locator('[data-testid="graph-call"][data-node-id^="tool:"]').click();
    await page.getByTestId('fork-open').click();
    await page.getByTestId('fork-message').fill('Keep the notes as they are.');
    await shoot('fork-form');
    await page.getByTestId('fork-submit').click();

    const fork = page.locator('[data-testid="run-detail"]').filter({ hasText: 'Forked: the notes stay as they are.' });
    await fork.waitFor({ timeout: 15_000 });
    const forkId = (await fork.getAttribute('data-run-id'))!;
    expect(forkId).not.toBe(parentId);
    await statusBar('finished').waitFor();
    // The parent's steps up to the fork point, dimmed, then the fork's own.
    await expect
      .poll(async () => (await graphNodes()).map(([kind, status]) => `${kind} ${status}`).sort(), { timeout: 5000 })
      .toEqual(['goal done', 'message done', 'parent done', 'step done', 'step done', 'tool done']);
    const inherited = page.locator('[data-testid="graph-node"][data-inherited="true"]');
    expect(await inherited.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')))).toEqual([
      'step',
    ]);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${forkId}"]`);
    expect(await row.getByTestId('run-fork').textContent()).toMatch(new RegExp(`fork of ${parentId} @ \\d+`));
    expect(readFileSync(join(home.paths.workspaces, forkId, 'notes.md'), 'utf8')).toBe('# Notes\n');
    await shoot('fork');
  });
});
