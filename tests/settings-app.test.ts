// Settings and secrets through the UI's side of the contract (the web bridge's HTTP API), against a fake
// OpenAI-compatible server that insists on its key: the provider is added with a key kept only in the
// secret store, the connection test passes, a run uses the key and nothing on disk holds it in plain
// text; settings fill in what a run leaves out; "always allow this" saves a rule and stops the run
// asking about matching calls from then on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { startWebServer, type WebServer } from '../src/main/web/server';
import type { RunEvent } from '../src/shared/events';
import type { SettingsView, StorageUsage } from '../src/shared/settings';
import type { TargetCheck } from '../src/shared/targets';
import type { FakeServer } from './fakes/http-fake';
import { startOpenAIServer } from './fakes/openai-server';
import type { Turn } from './fakes/script';
import { makeTempHome, type TempHome } from './helpers/temp-home';

// Not shaped like any well-known token, so only the secret store's own values can redact it.
const KEY = 'local-key-7d3e9a1c5b8f2e6d4a0c9b7e5f3a1d8c';

let home: TempHome;
let server: FakeServer;
let app: App;
let web: WebServer;

async function setUp(turns: Turn[]): Promise<void> {
  server = await startOpenAIServer({ turns, apiKey: KEY });
  app = createApp({ home: home.paths.root, ui: 'web' });
  web = await startWebServer({
    handlers: app.handlers,
    pushes: app.pushes,
    rendererDir: home.paths.root,
    token: 't0k3n',
  });
}

beforeEach(() => (home = makeTempHome()));

afterEach(async () => {
  await web.close();
  await app.shutdown();
  await server.close();
  home.remove();
});

type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; hint?: string } };

async function send<T>(channel: string, input: unknown): Promise<{ result: Result<T>; body: string }> {
  const response = await fetch(`${web.url}/api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t0k3n', 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = await response.text();
  return { result: JSON.parse(body) as Result<T>, body };
}

async function call<T>(channel: string, input: unknown): Promise<T> {
  const { result } = await send<T>(channel, input);
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

const ended = (runId: string) => () =>
  ['finished', 'failed', 'stopped', 'stalled'].includes(app.store.getRun(runId)!.status) ? true : undefined;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function filesHolding(text: string): string[] {
  return filesUnder(home.paths.root)
    .filter((file) => readFileSync(file).includes(Buffer.from(text)))
    .map((file) => file.slice(home.paths.root.length + 1));
}

async function addLocalProvider(): Promise<SettingsView> {
  const current = await call<SettingsView>('settings.get', {});
  await call('settings.update', {
    providers: {
      ...current.settings.providers,
      endpoints: [{ name: 'local', baseUrl: `${server.url}/v1`, keySecret: 'endpoint:local' }],
    },
  });
  return call<SettingsView>('secrets.set', { name: 'endpoint:local', value: KEY });
}

describe('settings and secrets', () => {
  it('adds a provider whose key only the secret store holds, and runs with it', async () => {
    await setUp([{ text: [`Here is the key you gave me: ${KEY} `, 'x'.repeat(9_000)] }]);
    const view = await addLocalProvider();
    expect(view.secrets).toEqual({ 'endpoint:local': { set: true, hint: '…1d8c' } });
    expect(view.settings.providers.endpoints).toEqual([
      { name: 'local', baseUrl: `${server.url}/v1`, keySecret: 'endpoint:local' },
    ]);
    expect((await send('settings.get', {})).body).not.toContain(KEY);
    expect(filesHolding(KEY)).toEqual([]);

    expect(await call('providers.test', { model: 'local/gpt-4o-mini' })).toEqual({
      model: 'local/gpt-4o-mini',
      contextLength: expect.any(Number),
    });
    const run = await call<{ id: string }>('runs.start', {
      goal: `Say hello; my key is ${KEY}`,
      model: 'local/gpt-4o-mini',
      runtime: 'host',
    });
    await waitFor(ended(run.id), 'the run to end');
    expect(app.store.getRun(run.id)!.status).toBe('finished');
    const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(chats.map((request) => request.headers.authorization)).toEqual([`Bearer ${KEY}`]);
    // The reply was long enough to go to a blob (beside the workspace snapshot's manifest); neither the
    // database, its WAL nor any blob holds the key.
    const blobs = filesUnder(home.paths.blobs).map((file) => readFileSync(file, 'utf8'));
    expect(blobs.filter((text) => text.includes('[redacted]'))).toHaveLength(1);
    expect(filesHolding(KEY)).toEqual([]);
    expect(JSON.stringify(events(run.id))).toContain('[redacted]');

    const cleared = await call<SettingsView>('secrets.clear', { name: 'endpoint:local' });
    expect(cleared.secrets).toEqual({});
    const { result } = await send('providers.test', { model: 'local/gpt-4o-mini' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(!result.ok && result.error.message).toContain('local/gpt-4o-mini is not ready');
  });

  it('refuses a bad change naming the field, and reports the disk use of the data folder', async () => {
    await setUp([]);
    const { result } = await send('settings.update', { sandbox: { cpus: -1, network: 'some' } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toContain('sandbox.cpus');
    expect(!result.ok && result.error.message).toContain('sandbox.network');
    const usage = await call<StorageUsage>('storage.usage', {});
    expect(usage.home).toBe(home.paths.root);
    expect(usage.databaseBytes).toBeGreaterThan(0);
    expect(usage.freeBytes).toBeGreaterThan(0);
    expect(usage.totalBytes).toBeGreaterThan(usage.freeBytes);
  });

  it('saves compute targets through settings.update and tests one by name through targets.check', async () => {
    await setUp([]);
    const target = { name: 'gpu-box', kind: 'docker', host: 'ssh://nobody@127.0.0.1:1', knownHosts: '/nonexistent' };
    const saved = await call<SettingsView>('settings.update', { targets: [target] });
    expect(saved.settings.targets).toEqual([target]);
    expect(JSON.parse(readFileSync(home.paths.settings, 'utf8'))).toMatchObject({ targets: [target] });
    const { result: bad } = await send('settings.update', { targets: [{ ...target, host: 'gpu-box' }] });
    expect(!bad.ok && bad.error.message).toContain('targets[0].host');

    const check = await call<TargetCheck>('targets.check', { name: 'gpu-box' });
    expect(check).toMatchObject({ name: 'gpu-box', kind: 'docker', reachable: false });
    expect(check.problem).toContain('cannot read its known_hosts /nonexistent');
    const { result: unknown } = await send('targets.check', { name: 'nowhere' });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    const { result: invalid } = await send('targets.check', { name: '' });
    expect(!invalid.ok && invalid.error.code).toBe('invalid_input');
  });

  it('fills what a run leaves out from settings: model, step limit, budget, network and default rules', async () => {
    await setUp([{ text: ['Nothing to do.'] }]);
    await addLocalProvider();
    await call('settings.update', {
      defaultModel: 'local/gpt-4o-mini',
      budget: { maxSteps: 7, tokens: 5_000 },
      rules: [{ tool: 'bash', action: 'deny' }],
      sandbox: { network: 'full' },
    });
    const run = await call<{ id: string; model: string }>('runs.start', {
      goal: 'Nothing',
      runtime: 'host',
      rules: [{ tool: 'write', action: 'ask' }],
    });
    expect(run.model).toBe('local/gpt-4o-mini');
    await waitFor(ended(run.id), 'the run to end');
    const created = events(run.id)[0]!;
    expect(created.type === 'run.created' && created.payload.config).toEqual({
      maxSteps: 7,
      rules: [
        { tool: 'write', action: 'ask' },
        { tool: 'bash', action: 'deny' },
      ],
      budget: { tokens: 5_000 },
      runtime: 'host',
      network: 'full',
    });
  });

  it('"always allow this" saves the rule, records it in the run, and stops asking about matching calls', async () => {
    const write = (path: string) => ({ name: 'write', arguments: { path, content: `${path}\n` } });
    await setUp([
      { toolCalls: [write('notes/a.md')] },
      { toolCalls: [write('notes/b.md')] },
      { toolCalls: [write('train.py')] },
      { text: ['Done.'] },
    ]);
    await addLocalProvider();
    const run = await call<{ id: string }>('runs.start', {
      goal: 'Write notes',
      model: 'local/gpt-4o-mini',
      runtime: 'host',
      rules: [{ tool: 'write', action: 'ask' }],
    });
    const asked = (index: number) => () => {
      const requests = events(run.id).filter((event) => event.type === 'approval.requested');
      const request = requests[index];
      return request?.type === 'approval.requested' ? request.payload : undefined;
    };
    const first = await waitFor(asked(0), 'the first approval');
    const rule = { tool: 'write', arg: 'path', pattern: 'notes/*', action: 'allow' } as const;
    await call('approvals.decide', { runId: run.id, callId: first.callId, decision: 'approved', addRule: rule });
    const second = await waitFor(asked(1), 'the approval of train.py');
    expect(second.summary).toContain('train.py');
    await call('approvals.decide', { runId: run.id, callId: second.callId, decision: 'approved' });
    await waitFor(ended(run.id), 'the run to end');

    expect(
      events(run.id)
        .filter((event) => ['run.rule', 'approval.requested', 'tool.started'].includes(event.type))
        .map((event) =>
          event.type === 'tool.started'
            ? `ran ${(event.payload.args as { path: string }).path}`
            : event.type === 'approval.requested'
              ? `asked ${event.payload.tool}`
              : `rule ${JSON.stringify(event.payload)}`,
        ),
    ).toEqual([
      'asked write',
      `rule ${JSON.stringify({ rule, callId: first.callId })}`,
      'ran notes/a.md',
      'ran notes/b.md',
      'asked write',
      'ran train.py',
    ]);
    expect((await call<SettingsView>('settings.get', {})).settings.rules).toEqual([rule]);
    const { result } = await send('approvals.decide', {
      runId: run.id,
      callId: first.callId,
      decision: 'approved',
      addRule: { tool: 'bash', action: 'allow' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await call<SettingsView>('settings.get', {})).settings.rules).toEqual([rule]);
  });
});
