// Runs driven from the UI's side of the contract, over the web bridge's HTTP API, against a fake
// Ollama: start a run, watch its events and streamed words arrive, approve one call and reject
// another with feedback the model reads, stop a run and resume it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { startWebServer, type WebServer } from '../src/main/web/server';
import type { RunEvent } from '../src/shared/events';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { TEST_SANDBOX_IMAGE } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let ollama: FakeServer;
let app: App;
let web: WebServer;
const pushed: { channel: string; payload: unknown }[] = [];

async function setUp(turns: Turn[]): Promise<void> {
  ollama = await startOllamaServer({ turns });
  process.env.OLLAMA_HOST = ollama.url;
  process.env.LOOPLAB_SANDBOX_IMAGE = TEST_SANDBOX_IMAGE;
  app = createApp({ home: home.paths.root, ui: 'web' });
  app.pushes.subscribe((channel, payload) => pushed.push({ channel, payload }));
  web = await startWebServer({
    handlers: app.handlers,
    pushes: app.pushes,
    rendererDir: home.paths.root,
    token: 't0k3n',
  });
}

beforeEach(() => {
  home = makeTempHome();
  pushed.length = 0;
});

afterEach(async () => {
  await web.close();
  await app.shutdown();
  await ollama.close();
  delete process.env.OLLAMA_HOST;
  delete process.env.LOOPLAB_SANDBOX_IMAGE;
  home.remove();
});

async function call<T>(channel: string, input: unknown): Promise<T> {
  const response = await fetch(`${web.url}/api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t0k3n', 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const result = (await response.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function events(runId: string): RunEvent[] {
  return app.store.loadEvents(runId);
}

function pendingCall(runId: string, seen: number): string | undefined {
  const requests = events(runId).filter((event) => event.type === 'approval.requested');
  const request = requests[seen];
  return request?.type === 'approval.requested' ? request.payload.callId : undefined;
}

describe.skipIf(skipDocker)('runs started from the UI', () => {
  beforeAll(() => requireDocker());

  it('asks for approvals in the UI and passes rejections back to the model', async () => {
    await setUp([
      {
        text: ['Writing two files.'],
        toolCalls: [
          { name: 'write', arguments: { path: 'train.py', content: 'print(1)\n' } },
          { name: 'write', arguments: { path: 'data.csv', content: 'x\n' } },
        ],
      },
      { text: ['Kept ', 'data.csv as it was.'] },
    ]);
    const run = await call<{ id: string; status: string }>('runs.start', {
      goal: 'Write a training script',
      model: 'ollama/qwen2.5-coder:7b',
      rules: [{ tool: 'write', action: 'ask' }],
    });
    expect(run.status).toBe('running');
    const first = await waitFor(() => pendingCall(run.id, 0), 'the first approval');
    expect(app.store.getRun(run.id)!.status).toBe('waiting');
    await call('approvals.decide', { runId: run.id, callId: first, decision: 'approved' });
    const second = await waitFor(() => pendingCall(run.id, 1), 'the second approval');
    await call('approvals.decide', {
      runId: run.id,
      callId: second,
      decision: 'rejected',
      feedback: 'Never touch data.csv.',
    });
    await waitFor(() => (app.store.getRun(run.id)!.status === 'finished' ? true : undefined), 'the run to finish');

    const workspace = join(home.paths.workspaces, run.id);
    expect(readFileSync(join(workspace, 'train.py'), 'utf8')).toBe('print(1)\n');
    expect(existsSync(join(workspace, 'data.csv'))).toBe(false);
    const lastChat = ollama.requests.filter((request) => request.path === '/api/chat').at(-1)!.body as {
      messages: { role: string; content: string }[];
    };
    expect(lastChat.messages.filter((message) => message.role === 'tool').map((message) => message.content)).toEqual([
      'Wrote train.py (9 bytes, 2 lines).',
      'The person rejected this call: Never touch data.csv.',
    ]);
    const deltas = pushed
      .filter((push) => push.channel === 'run.delta')
      .map((push) => (push.payload as { text: string }).text);
    expect(deltas).toEqual(['Writing two files.', 'Kept ', 'data.csv as it was.']);
    expect(pushed.some((push) => push.channel === 'run.updated')).toBe(true);
    await expect(call('approvals.decide', { runId: run.id, callId: first, decision: 'approved' })).rejects.toThrow(
      `${run.id} is not waiting for an approval of ${first}.`,
    );
  });

  it('forks a finished run from an earlier step with a new message', async () => {
    await setUp([
      { toolCalls: [{ name: 'write', arguments: { path: 'a.txt', content: 'one\n' } }] },
      { toolCalls: [{ name: 'write', arguments: { path: 'b.txt', content: 'two\n' } }] },
      { text: ['Wrote both.'] },
      { text: ['Only a.txt, then.'] },
    ]);
    const run = await call<{ id: string }>('runs.start', { goal: 'Write files', model: 'ollama/qwen2.5-coder:7b' });
    await waitFor(() => (app.store.getRun(run.id)!.status === 'finished' ? true : undefined), 'the run to finish');
    const at = events(run.id).find((event) => event.type === 'tool.finished')!.seq;
    await expect(call('runs.fork', { runId: run.id, seq: 999 })).rejects.toThrow(`${run.id} has no event #999`);

    const fork = await call<{ id: string; parentRunId: string; parentSeq: number }>('runs.fork', {
      runId: run.id,
      seq: at,
      message: 'Stop after a.txt.',
    });
    expect(fork).toMatchObject({ parentRunId: run.id, parentSeq: at });
    await waitFor(() => (app.store.getRun(fork.id)!.status === 'finished' ? true : undefined), 'the fork to finish');
    const folder = join(home.paths.workspaces, fork.id);
    expect(readFileSync(join(folder, 'a.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(folder, 'b.txt'))).toBe(false);
    const lastChat = ollama.requests.filter((request) => request.path === '/api/chat').at(-1)!.body as {
      messages: { role: string; content: string }[];
    };
    expect(lastChat.messages.at(-1)).toEqual({ role: 'user', content: 'Stop after a.txt.' });
    expect(existsSync(join(home.paths.workspaces, run.id, 'b.txt'))).toBe(true);
  });

  it('stops a run mid-stream and resumes it', async () => {
    await setUp([{ text: ['Thinking'], stallAfter: 1 }, { text: ['Done after the resume.'] }]);
    const run = await call<{ id: string }>('runs.start', { goal: 'Think', model: 'ollama/qwen2.5-coder:7b' });
    await waitFor(() => pushed.find((push) => push.channel === 'run.delta'), 'the first words');
    expect(await call('runs.stop', { runId: run.id })).toEqual({ stopped: true });
    await waitFor(() => (app.store.getRun(run.id)!.status === 'interrupted' ? true : undefined), 'the interruption');
    await call('runs.resume', { runId: run.id });
    await waitFor(
      () => (app.store.getRun(run.id)!.status === 'finished' ? true : undefined),
      'the resumed run to finish',
    );
    expect(
      events(run.id).map((event) => (event.type === 'run.status' ? `status:${event.payload.status}` : event.type)),
    ).toEqual([
      'run.created',
      'status:running',
      'workspace.snapshot',
      'model.started',
      'model.finished',
      'status:interrupted',
      'status:running',
      'model.started',
      'model.finished',
      'status:finished',
    ]);
  });

  it('streams what a command prints in the sandbox as it runs, and marks runs on this machine', async () => {
    await setUp([
      { toolCalls: [{ name: 'bash', arguments: { command: 'for i in 1 2 3; do echo "line $i"; sleep 0.05; done' } }] },
      { text: ['Printed three lines.'] },
      { text: ['Nothing to run here.'] },
    ]);
    const run = await call<{ id: string; runtime: string }>('runs.start', {
      goal: 'Print lines',
      model: 'ollama/qwen2.5-coder:7b',
    });
    expect(run.runtime).toBe('sandbox');
    await waitFor(() => (app.store.getRun(run.id)!.status === 'finished' ? true : undefined), 'the run to finish');
    const output = pushed
      .filter((push) => push.channel === 'run.output')
      .map((push) => push.payload as { runId: string; source: string; text: string });
    expect(output.map((chunk) => chunk.text).join('')).toBe('line 1\nline 2\nline 3\n');
    expect(new Set(output.map((chunk) => `${chunk.runId}/${chunk.source}`)).size).toBe(1);

    const host = await call<{ id: string }>('runs.start', {
      goal: 'Nothing',
      model: 'ollama/qwen2.5-coder:7b',
      runtime: 'host',
    });
    await waitFor(
      () => (app.store.getRun(host.id)!.status === 'finished' ? true : undefined),
      'the host run to finish',
    );
    const listed = await call<{ id: string; runtime: string }[]>('runs.list', {});
    expect(listed.map((summary) => [summary.id, summary.runtime])).toEqual([
      [host.id, 'host'],
      [run.id, 'sandbox'],
    ]);
  });

  it('refuses to start a run with a model that is not there, saying what to do', async () => {
    await setUp([]);
    await expect(call('runs.start', { goal: 'x', model: 'ollama/nope:1b' })).rejects.toThrow(
      /ollama\/nope:1b is not ready/,
    );
    await expect(call('runs.start', { goal: '   ' })).rejects.toThrow(/say what the run should do/);
    expect(app.store.listRuns()).toEqual([]);
  });
});
