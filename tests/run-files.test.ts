// A run's files as the UI reaches them (jobs.logs, artifacts.open / artifacts.reveal, the web bridge's
// download): only inside the run's workspace, whatever path or link a model wrote there.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from './helpers/temp-home';
import { createApp, type App } from '../src/main/app';
import { startWebServer, type WebServer } from '../src/main/web/server';
import { dispatch } from '../src/main/api/handlers';
import { openRunFile } from '../src/main/runs/run-files';

let home: TempHome;
let app: App;
let server: WebServer;
let runId: string;
let workspace: string;
const shellCalls: string[] = [];
const TOKEN = 'f00d';

beforeEach(async () => {
  home = makeTempHome();
  shellCalls.length = 0;
  app = createApp({
    home: home.paths.root,
    ui: 'electron',
    desktop: {
      reveal: (path) => void shellCalls.push(`reveal ${path}`),
      open: (path) => {
        shellCalls.push(`open ${path}`);
        return Promise.resolve('');
      },
    },
  });
  runId = app.store.createRun({ goal: 'train', model: 'ollama/qwen2.5-coder:7b', origin: 'new' }).runId;
  app.store.append(runId, [
    { type: 'job.started', payload: { jobId: 'job_a1', command: 'python3 train.py', gpu: false } },
    { type: 'artifact.recorded', payload: { path: 'outputs/metrics.json', bytes: 9, jobId: 'job_a1' } },
  ]);
  workspace = join(home.paths.workspaces, runId);
  mkdirSync(join(workspace, 'outputs'), { recursive: true });
  mkdirSync(join(workspace, '.looplab', 'jobs'), { recursive: true });
  writeFileSync(join(workspace, 'outputs', 'metrics.json'), '{"f1":1}\n');
  writeFileSync(join(workspace, 'outputs', 'run.sh'), 'rm -rf ~\n');
  writeFileSync(join(home.paths.root, 'secret.txt'), 'the host’s secret\n');
  symlinkSync(join(home.paths.root, 'secret.txt'), join(workspace, 'outputs', 'link.txt'));
  server = await startWebServer({
    handlers: app.handlers,
    pushes: app.pushes,
    rendererDir: join(home.paths.root, 'renderer'),
    token: TOKEN,
    runFile: (run, path) => openRunFile(app.paths.workspaces, run, path),
  });
});

afterEach(async () => {
  await server.close();
  app.close();
  home.remove();
});

const call = (channel: string, input: unknown) => dispatch(app.handlers, channel, input);
const outsideMessage = (path: string) => ({
  ok: false,
  error: {
    code: 'invalid_input',
    message: `${path} is outside the run’s workspace, so Looplab will not open it.`,
    hint: `Only files inside ${workspace} (such as its outputs/ folder) can be opened, revealed or downloaded.`,
  },
});

describe('a run’s files', () => {
  it('opens and reveals files inside the run’s workspace in the desktop shell', async () => {
    expect(await call('artifacts.open', { runId, path: 'outputs/metrics.json' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    expect(await call('artifacts.reveal', { runId, path: 'outputs/run.sh' })).toEqual({
      ok: true,
      value: { revealed: true },
    });
    expect(shellCalls).toEqual([
      `open ${join(workspace, 'outputs/metrics.json')}`,
      `reveal ${join(workspace, 'outputs/run.sh')}`,
    ]);
  });

  it('refuses paths out of the workspace, links out of it, and files that would run', async () => {
    for (const path of ['../../secret.txt', 'outputs/../../../secret.txt', join(home.paths.root, 'secret.txt')])
      expect(await call('artifacts.reveal', { runId, path })).toEqual(outsideMessage(path));
    expect(await call('artifacts.open', { runId, path: 'outputs/link.txt' })).toEqual(
      outsideMessage('outputs/link.txt'),
    );
    expect(await call('artifacts.open', { runId, path: 'outputs/run.sh' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('does not open .sh files') },
    });
    expect(await call('artifacts.open', { runId, path: 'outputs/missing.json' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'outputs/missing.json is not in the run’s workspace (any more).' },
    });
    expect(shellCalls).toEqual([]);
  });

  it('says that only the desktop app opens files', async () => {
    const web = createApp({ home: home.paths.root, ui: 'web' });
    try {
      expect(await dispatch(web.handlers, 'artifacts.open', { runId, path: 'outputs/metrics.json' })).toEqual({
        ok: false,
        error: {
          code: 'unavailable',
          message: 'Opening files on this machine works in the desktop app only.',
          hint: 'Download the file instead.',
        },
      });
    } finally {
      web.close();
    }
  });

  it('reads the tail of a job’s log, and refuses a log that a model replaced with a link', async () => {
    expect(await call('jobs.logs', { runId, jobId: 'job_a1' })).toEqual({
      ok: true,
      value: { jobId: 'job_a1', lines: [] },
    });
    const lines = Array.from({ length: 30 }, (_, index) => `\u001b[32mline ${index}\u001b[0m`);
    writeFileSync(join(workspace, '.looplab/jobs/job_a1.log'), `${lines.join('\n')}\n`);
    expect(await call('jobs.logs', { runId, jobId: 'job_a1', lines: 3 })).toEqual({
      ok: true,
      value: { jobId: 'job_a1', lines: lines.slice(-3) },
    });
    expect(await call('jobs.logs', { runId, jobId: 'job_zz' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: `${runId} has no job job_zz.` },
    });
    symlinkSync(join(home.paths.root, 'secret.txt'), join(workspace, '.looplab/jobs/job_b2.log'));
    app.store.append(runId, [{ type: 'job.started', payload: { jobId: 'job_b2', command: 'true', gpu: false } }]);
    const linked = {
      code: 'conflict',
      message:
        '.looplab/jobs/job_b2.log in the workspace is a symbolic link: Looplab keeps its job files there and does not follow links out of the workspace.',
      hint: 'Remove it (rm .looplab/jobs/job_b2.log) and try again.',
    };
    expect(await call('jobs.logs', { runId, jobId: 'job_b2' })).toEqual({ ok: false, error: linked });
    // The model's job_logs reads the log the same way.
    const placement = { runId, workspaceFolder: workspace };
    expect(await app.jobs.logs(placement, 'job_a1', 2)).toEqual(lines.slice(-2));
    await expect(app.jobs.logs(placement, 'job_b2', 2)).rejects.toThrow(linked.message);
  });

  it('downloads a file through the web bridge as an attachment, after the same checks', async () => {
    const url = (path: string, token = TOKEN) =>
      `${server.url}/api/files/${runId}?path=${encodeURIComponent(path)}&token=${token}`;
    const response = await fetch(url('outputs/metrics.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="metrics.json"; filename*=UTF-8''metrics.json`,
    );
    expect(await response.text()).toBe('{"f1":1}\n');

    const refused = await fetch(url('outputs/link.txt'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual(outsideMessage('outputs/link.txt'));
    expect((await fetch(url('../../secret.txt'))).status).toBe(400);
    expect((await fetch(url('outputs'))).status).toBe(400);
    expect((await fetch(url('outputs/nothing'))).status).toBe(404);
    expect((await fetch(url('outputs/metrics.json', 'bad0'))).status).toBe(401);
  });
});
