import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../../../tests/helpers/temp-home';
import { recordSampleRun } from '../../../tests/fixtures/sample-run';
import { createApp, type App } from '../app';
import { startWebServer, type WebServer } from './server';

let home: TempHome;
let app: App;
let server: WebServer;
let rendererDir: string;

beforeEach(async () => {
  home = makeTempHome();
  app = createApp({ home: home.paths.root, ui: 'web' });
  rendererDir = join(home.paths.root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Looplab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startWebServer({ handlers: app.handlers, pushes: app.pushes, rendererDir, token: 'a1b2c3' });
});

afterEach(async () => {
  await server.close();
  app.close();
  home.remove();
});

function call(channel: string, body: unknown, token = 'a1b2c3') {
  return fetch(`${server.url}/api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('web bridge', () => {
  it('answers contract requests with the store behind them', async () => {
    const runId = recordSampleRun(app.store);
    const list = await (await call('runs.list', {})).json();
    expect(list).toEqual({ ok: true, value: app.store.listRuns() });
    const detail = await (await call('runs.get', { runId })).json();
    expect(detail).toEqual({
      ok: true,
      value: JSON.parse(
        JSON.stringify({ summary: app.store.getRun(runId), events: app.store.loadEvents(runId, { blobs: 'ref' }) }),
      ),
    });
    const info = await (await call('app.info', {})).json();
    expect(info).toEqual({ ok: true, value: { version: '0.1.0', home: home.paths.root, ui: 'web' } });
  });

  it('rejects bad input at the boundary with a message naming the field', async () => {
    const response = await call('runs.list', { limit: -3, extra: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/^Invalid input for runs\.list: /);
    expect(body.error.message).toContain('limit');
    expect(body.error.message).toContain('extra');
    expect(await (await call('runs.get', { runId: 'run_missing' })).json()).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message: 'No run run_missing in this data folder.',
        hint: 'List the runs with `looplab runs`.',
      },
    });
    expect((await call('runs.list', '{not json')).status).toBe(400);
    expect((await call('runs.list', 'x'.repeat(1024 * 1024 + 1))).status).toBe(413);
    expect(await (await call('runs.drop', {})).json()).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'Unknown request channel runs.drop.' },
    });
  });

  it('refuses API calls without the session token or addressed to another host', async () => {
    expect((await call('runs.list', {}, 'wrong')).status).toBe(401);
    expect((await fetch(`${server.url}/api/call/runs.list`, { method: 'POST', body: '{}' })).status).toBe(401);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/call/runs.list`, {
        method: 'POST',
        headers: { host: 'evil.example:80', authorization: 'Bearer a1b2c3' },
      });
      req.on('response', (response) => resolve(response.statusCode));
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('serves the UI with a CSP and never a file outside its folder', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<title>Looplab</title>');
    expect(await (await fetch(`${server.url}/assets/app.js`)).text()).toBe('console.log(1)');
    const escape = await fetch(`${server.url}/..%2f..%2flooplab.db`);
    expect(await escape.text()).toContain('<title>Looplab</title>');
  });

  it('pushes committed events to subscribers over server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/events?token=a1b2c3`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const runId = recordSampleRun(app.store);
    let text = '';
    while (!text.includes('"type":"run.status","payload":{"status":"finished"}')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('event: run.updated'));
    const batches = frames.map(
      (frame) => JSON.parse(frame.split('\ndata: ')[1]!) as { run: { id: string }; events: { seq: number }[] },
    );
    expect(batches.map((batch) => [batch.run.id, batch.events.length])).toEqual([
      [runId, 1],
      [runId, 22],
    ]);
  });
});
