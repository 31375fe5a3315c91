// MCP servers that die, stall or misbehave, with real SDK servers: over streamable HTTP in a process
// of its own (tests/fakes/mcp-http-server.ts, which logs every message and HTTP method it receives), or
// over stdio (tests/fakes/mcp-server.ts). What a person would see: a call that cannot finish fails with
// a message saying why and the run goes on; a call is cut by its timeout and by the run's time budget;
// nothing is cancelled that had finished; sessions are ended; nothing the server started is left running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/main/app';
import type { McpServer } from '../../src/shared/loop-config';
import { alive, lastToolOutput, runWithServers } from '../helpers/mcp-run';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const allow = [{ tool: 'mcp__*', action: 'allow' as const }];

let home: TempHome;
let app: App;
let servers: ChildProcess[] = [];

beforeEach(() => {
  home = makeTempHome('looplab-mcp-sec-');
  app = createApp({ home: home.paths.root, ui: 'web' });
});

afterEach(async () => {
  for (const child of servers) child.kill('SIGKILL');
  servers = [];
  await app.shutdown();
  home.remove();
});

interface Received {
  http: string;
  session: string | null;
  message: { method?: string; id?: number; params?: { name?: string; requestId?: number } } | null;
}

/** Starts the HTTP fake in a process of its own; resolves with its URL and what it has received so far. */
async function startHttpServer(env: Record<string, string> = {}) {
  const logFile = join(home.paths.root, `mcp-http-${servers.length}.jsonl`);
  // node itself, not tsx's launcher, which would run the server in a child that a kill never reaches.
  const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'tests/fakes/mcp-http-server.ts')], {
    env: { ...process.env, MCP_LOG_FILE: logFile, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  servers.push(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error('The MCP HTTP fake exited before it listened.')));
  });
  const received = (): Received[] =>
    existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Received)
      : [];
  return { child, url: `http://127.0.0.1:${port}/mcp`, received };
}

/** Resolves once the server has received a call of the tool. */
async function callArrives(received: () => Received[], tool: string): Promise<Received> {
  let found: Received | undefined;
  await expect
    .poll(
      () =>
        (found = received().find(
          (entry) => entry.message?.method === 'tools/call' && entry.message.params?.name === tool,
        )),
      { timeout: 30_000, interval: 50 },
    )
    .toBeDefined();
  return found!;
}

describe('MCP servers that die or stall', () => {
  it(
    'fails a call whose HTTP server is killed mid-call within 15 s, and the run goes on',
    { timeout: 60_000 },
    async () => {
      const server = await startHttpServer();
      let killedAt = 0;
      const seen: string[] = [];
      // Killed once the call's answer stream is open (the server has sent a first message on it).
      const streaming = () => server.received().some((entry) => entry.message?.method === 'wait/streaming');
      const arrived = expect
        .poll(streaming, { timeout: 30_000, interval: 50 })
        .toBe(true)
        .then(() => {
          killedAt = Date.now();
          server.child.kill('SIGKILL');
        });
      const { outcome } = await runWithServers(
        app,
        [{ name: 'remote', transport: 'http', url: server.url }],
        [
          { calls: [{ name: 'mcp__remote__wait', args: { seconds: 600 } }] },
          (request) => {
            seen.push(lastToolOutput(request));
            return { text: 'The server went away; done.' };
          },
        ],
        { rules: allow },
      );
      await arrived;
      expect(Date.now() - killedAt).toBeLessThan(15_000);
      expect(outcome.status).toBe('finished');
      expect(seen[0]).toContain('mcp__remote__wait failed: The connection to the MCP server remote was lost');
    },
  );

  it(
    'cancels a stalled call after the server toolTimeoutSeconds, and says how to allow longer',
    { timeout: 60_000 },
    async () => {
      const server = await startHttpServer();
      const seen: string[] = [];
      const { outcome } = await runWithServers(
        app,
        [{ name: 'remote', transport: 'http', url: server.url, toolTimeoutSeconds: 1 }],
        [
          { calls: [{ name: 'mcp__remote__wait', args: { seconds: 600 } }] },
          (request) => {
            seen.push(lastToolOutput(request));
            return { text: 'Done.' };
          },
        ],
        { rules: allow },
      );
      expect(outcome.status).toBe('finished');
      expect(seen[0]).toBe(
        'mcp__remote__wait failed: remote did not answer within 1 s, so the call was cancelled (toolTimeoutSeconds of remote in mcpServers sets how long a call may take).',
      );
      // The server was told: the request had not finished.
      const call = await callArrives(server.received, 'wait');
      await expect
        .poll(() => server.received().filter((entry) => entry.message?.method === 'notifications/cancelled'))
        .toMatchObject([{ message: { params: { requestId: call.message!.id } } }]);
    },
  );

  it('cuts a call when the run time budget (--max-time) runs out, and stops the run', { timeout: 60_000 }, async () => {
    const server = await startHttpServer();
    const { outcome, events } = await runWithServers(
      app,
      [{ name: 'remote', transport: 'http', url: server.url }],
      [{ calls: [{ name: 'mcp__remote__wait', args: { seconds: 600 } }] }],
      { rules: allow, budget: { wallMs: 3000 } },
    );
    expect(outcome).toEqual({ status: 'stopped', reason: 'Time budget of 3 s reached.' });
    const finished = events.find((event) => event.type === 'tool.finished');
    expect(finished?.payload).toMatchObject({
      output: "mcp__remote__wait failed: The run's time budget ran out during the call, so it was cancelled.",
      isError: true,
    });
  });

  it(
    'listens once per call: 20 calls warn of nothing, and Ctrl+C cancels only the unfinished call',
    { timeout: 90_000 },
    async () => {
      const server = await startHttpServer();
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      const controller = new AbortController();
      void callArrives(server.received, 'wait').then(() => controller.abort(new Error('interrupted')));
      const adds = Array.from({ length: 20 }, (_, index) => ({ name: 'mcp__remote__add', args: { a: index, b: 1 } }));
      const { outcome, events } = await runWithServers(
        app,
        [{ name: 'remote', transport: 'http', url: server.url }],
        [{ calls: adds }, { calls: [{ name: 'mcp__remote__wait', args: { seconds: 600 } }] }],
        { rules: allow, signal: controller.signal },
      );
      process.off('warning', onWarning);
      expect(outcome.status).toBe('interrupted');
      expect(events.filter((event) => event.type === 'tool.finished')).toHaveLength(21);
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
      const wait = await callArrives(server.received, 'wait');
      await expect
        .poll(() => server.received().filter((entry) => entry.message?.method === 'notifications/cancelled'))
        .toMatchObject([{ message: { params: { requestId: wait.message!.id } } }]);
    },
  );

  it('ends the HTTP session with a DELETE when the run ends', { timeout: 60_000 }, async () => {
    const server = await startHttpServer();
    await runWithServers(
      app,
      [{ name: 'remote', transport: 'http', url: server.url }],
      [{ calls: [{ name: 'mcp__remote__add', args: { a: 1, b: 2 } }] }, { text: 'Done.' }],
      { rules: allow },
    );
    const session = server.received().find((entry) => entry.session !== null)?.session;
    expect(session).toBeTruthy();
    await expect.poll(() => server.received().filter((entry) => entry.http === 'DELETE')).toMatchObject([{ session }]);
  });
});

describe('MCP servers started on this machine', () => {
  const calc: McpServer = {
    name: 'calc',
    transport: 'stdio',
    command: TSX,
    args: [join(process.cwd(), 'tests/fakes/mcp-server.ts')],
  };

  it('stops what a stdio server started, with the server', { timeout: 60_000 }, async () => {
    const pidFile = join(home.paths.root, 'grandchild.pid');
    const { outcome } = await runWithServers(
      app,
      [{ ...calc, env: { MCP_GRANDCHILD_PID_FILE: pidFile } }],
      [{ calls: [{ name: 'mcp__calc__add', args: { a: 1, b: 2 } }] }, { text: 'Done.' }],
      { rules: allow },
    );
    expect(outcome.status).toBe('finished');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    // The run has ended and its servers were closed before it returned: nothing of theirs is left.
    expect(alive(pid)).toBe(false);
  });

  it(
    'gives up on a server that does not answer within its startupTimeoutSeconds, and says so',
    { timeout: 60_000 },
    async () => {
      const silent: McpServer = {
        name: 'silent',
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', 'setTimeout(() => {}, 60_000)'],
        startupTimeoutSeconds: 1,
      };
      const { outcome } = await runWithServers(app, [silent], [{ text: 'never asked' }]);
      expect(outcome.status).toBe('failed');
      expect(outcome.reason).toContain('The MCP server silent');
      expect(outcome.reason).toContain('set startupTimeoutSeconds for silent in mcpServers');
    },
  );

  it('does not offer tools that run only as tasks', { timeout: 60_000 }, async () => {
    const server = await startHttpServer();
    const { model } = await runWithServers(
      app,
      [{ name: 'remote', transport: 'http', url: server.url }],
      [{ text: 'Nothing to do.' }],
    );
    const names = (model.requests[0]!.tools ?? []).map((tool) => tool.name);
    expect(names).toContain('mcp__remote__add');
    expect(names).not.toContain('mcp__remote__task_only');
  });

  it('names two tools of one server that would share a name, and the fix works', { timeout: 60_000 }, async () => {
    const server = await startHttpServer({ MCP_TWIN_TOOLS: '1' });
    const remote: McpServer = { name: 'remote', transport: 'http', url: server.url };
    const { outcome } = await runWithServers(app, [remote], [{ text: 'never asked' }]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe(
      'The MCP server remote has two tools that would both be called mcp__remote__read_file in a run: "read.file" and "read_file". Leave one out: add "excludeTools": ["read_file"] to remote in mcpServers.',
    );
    const fixed = await runWithServers(app, [{ ...remote, excludeTools: ['read_file'] }], [{ text: 'Done.' }]);
    expect(fixed.outcome.status).toBe('finished');
    expect((fixed.model.requests[0]!.tools ?? []).map((tool) => tool.name)).toContain('mcp__remote__read_file');
  });
});
