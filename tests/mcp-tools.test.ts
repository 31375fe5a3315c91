// MCP servers' tools in a real run: the calc server (tests/fakes/mcp-server.ts) is started with tsx as a
// child process over stdio, or served over streamable HTTP on 127.0.0.1, through the SDK's own client and
// server; the run's model (scripted) calls its tools and reads what the run recorded.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { mcpToolName } from '../src/main/mcp/mcp-tools';
import { loopConfigSchema, type ApprovalRule, type McpServer } from '../src/shared/loop-config';
import { settingsSchema } from '../src/shared/settings';
import { configWithDefaults, withDefaultMcpServers } from '../src/main/settings/run-defaults';
import { loopSpecSchema } from '../src/main/specs/loop-spec';
import { createCalcServer } from './fakes/mcp-server';
import { alive, lastToolOutput, runWithServers } from './helpers/mcp-run';
import type { Turn } from './helpers/scripted-model';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const calc: McpServer = {
  name: 'calc',
  transport: 'stdio',
  command: join(process.cwd(), 'node_modules/.bin/tsx'),
  args: [join(process.cwd(), 'tests/fakes/mcp-server.ts')],
};

let home: TempHome;
let app: App;

beforeEach(() => {
  home = makeTempHome('looplab-mcp-');
  app = createApp({ home: home.paths.root, ui: 'web' });
});

afterEach(async () => {
  await app.shutdown();
  home.remove();
});

async function runWith(servers: McpServer[], turns: Turn[], rules: ApprovalRule[] = []) {
  return runWithServers(app, servers, turns, { rules });
}

describe('MCP servers in a run', () => {
  it('adds the stdio server tools, asks before each call by default, and gives the model their results', async () => {
    const seen: string[] = [];
    const { outcome, model, asked, events } = await runWith(
      [calc],
      [
        { calls: [{ name: 'mcp__calc__add', args: { a: 2, b: 40 } }] },
        (request) => {
          seen.push(lastToolOutput(request));
          return { calls: [{ name: 'mcp__calc__shout', args: { text: 'hello' } }] };
        },
        (request) => {
          seen.push(lastToolOutput(request));
          return { calls: [{ name: 'mcp__calc__fail', args: {} }] };
        },
        (request) => {
          seen.push(lastToolOutput(request));
          return { text: 'The sum is 42.' };
        },
      ],
    );
    expect(outcome.status).toBe('finished');
    const tools = model.requests[0]!.tools ?? [];
    const add = tools.find((tool) => tool.name === 'mcp__calc__add');
    expect(add?.description).toContain('Adds two numbers.');
    expect(add?.parameters).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['bash', 'mcp__calc__shout', 'mcp__calc__fail']),
    );
    expect(seen[0]).toBe('42');
    expect(seen[1]).toBe('HELLO\n[image image/png, 16 bytes, not shown]');
    expect(seen[2]).toContain('the calculator is out of order');
    const finished = events.filter((event) => event.type === 'tool.finished');
    expect(finished.map((event) => event.type === 'tool.finished' && event.payload.isError)).toEqual([
      false,
      false,
      true,
    ]);
    expect(asked.map((request) => [request.tool, request.rule])).toEqual([
      ['mcp__calc__add', 'default for network tools'],
      ['mcp__calc__shout', 'default for network tools'],
      ['mcp__calc__fail', 'default for network tools'],
    ]);
    expect(asked[0]!.summary).toBe('calc: add {"a":2,"b":40}');
  });

  it('runs without asking where a rule allows the server tools by a glob, and stops the server after', async () => {
    const seen: string[] = [];
    const pidFile = join(home.paths.root, 'calc.pid');
    const { outcome, asked } = await runWith(
      [{ ...calc, env: { MCP_PID_FILE: pidFile } }],
      [
        { calls: [{ name: 'mcp__calc__add', args: { a: 1.5, b: 2 } }] },
        (request) => {
          seen.push(lastToolOutput(request));
          return { text: 'Done.' };
        },
      ],
      [{ tool: 'mcp__calc__*', action: 'allow' }],
    );
    expect(outcome.status).toBe('finished');
    expect(seen).toEqual(['3.5']);
    expect(asked).toEqual([]);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  it('tells the model when the arguments are not what the server expects', async () => {
    const seen: string[] = [];
    await runWith(
      [calc],
      [
        { calls: [{ name: 'mcp__calc__add', args: { a: 'two', b: 2 } }] },
        (request) => {
          seen.push(lastToolOutput(request));
          return { text: 'Done.' };
        },
      ],
      [{ tool: 'mcp__calc__*', action: 'allow' }],
    );
    expect(seen[0]).toContain('Invalid arguments for tool add');
    expect(seen[0]).toContain('expected number, received string at a');
  });

  it('fails the run with a clear reason when a server does not start', async () => {
    const broken: McpServer = { name: 'broken', transport: 'stdio', command: '/nonexistent/mcp-server' };
    const { outcome, model, events } = await runWith([broken], [{ text: 'never asked' }]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('The MCP server broken (command /nonexistent/mcp-server) did not start or answer');
    expect(outcome.reason).toContain('or remove broken from mcpServers');
    expect(model.requests).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.status', payload: { status: 'failed' } });
  });

  it('fails the run with what the server said when it exits before answering', async () => {
    const exits: McpServer = {
      name: 'exits',
      transport: 'stdio',
      command: process.execPath,
      args: ['-e', 'console.error("no licence key"); process.exit(3)'],
    };
    const { outcome } = await runWith([exits], [{ text: 'never asked' }]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('The MCP server exits');
    expect(outcome.reason).toContain('no licence key');
  });

  describe('over streamable HTTP', () => {
    let server: Server;
    let url: string;

    beforeEach(async () => {
      server = createServer((request, response) => {
        // Stateless: a server and transport for each request, as the SDK's examples do.
        const mcp = createCalcServer();
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        response.on('close', () => {
          void transport.close();
          void mcp.close();
        });
        void mcp.connect(transport).then(() => transport.handleRequest(request, response));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    });

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('calls the tools of a server at a URL', async () => {
      const seen: string[] = [];
      const { outcome } = await runWith(
        [{ name: 'web-calc', transport: 'http', url }],
        [
          { calls: [{ name: 'mcp__web-calc__add', args: { a: 20, b: 22 } }] },
          (request) => {
            seen.push(lastToolOutput(request));
            return { text: 'Done.' };
          },
        ],
        [{ tool: 'mcp__web-calc__*', action: 'allow' }],
      );
      expect(outcome.status).toBe('finished');
      expect(seen).toEqual(['42']);
    });

    it('fails the run with a clear reason when nothing answers at the URL', async () => {
      const dead = `http://127.0.0.1:1/mcp`;
      const { outcome } = await runWith([{ name: 'gone', transport: 'http', url: dead }], [{ text: 'never' }]);
      expect(outcome.status).toBe('failed');
      expect(outcome.reason).toContain(`The MCP server gone (${dead}) did not start or answer`);
      expect(outcome.reason).toContain('Check that the server is running');
    });
  });
});

describe('MCP server configuration', () => {
  it('names tools within the limits a model accepts', () => {
    expect(mcpToolName('calc', 'add')).toBe('mcp__calc__add');
    expect(mcpToolName('calc', 'do.it now!')).toBe('mcp__calc__do_it_now_');
    expect(mcpToolName('calc', 'x'.repeat(100))).toHaveLength(64);
  });

  it('accepts servers in settings and loop specs, and refuses two with one name', () => {
    expect(settingsSchema.parse({ mcpServers: [calc] }).mcpServers).toEqual([calc]);
    expect(settingsSchema.parse({}).mcpServers).toBeUndefined();
    const spec = loopSpecSchema.parse({ name: 'calc', goal: 'Add', mcpServers: [calc] });
    expect(spec.mcpServers).toEqual([calc]);
    const twice = settingsSchema.safeParse({ mcpServers: [calc, { ...calc }] });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toBe('each MCP server needs a name of its own');
    expect(
      loopConfigSchema.safeParse({ mcpServers: [{ name: 'a b', transport: 'stdio', command: 'x' }] }).success,
    ).toBe(false);
    expect(
      loopConfigSchema.safeParse({ mcpServers: [{ name: 'w', transport: 'http', url: 'file:///x' }] }).success,
    ).toBe(false);
  });

  it('gives a new run the servers of settings.json after its own, one per name', () => {
    const settings = settingsSchema.parse({
      mcpServers: [calc, { name: 'docs', transport: 'http', url: 'http://127.0.0.1:9/mcp' }],
    });
    const own: McpServer = { name: 'calc', transport: 'stdio', command: 'my-calc' };
    expect(withDefaultMcpServers(settings, [own])?.map((server) => server.name)).toEqual(['calc', 'docs']);
    expect(withDefaultMcpServers(settings, [own])?.[0]).toEqual(own);
    expect(withDefaultMcpServers(settingsSchema.parse({}), undefined)).toBeUndefined();
    const config = loopConfigSchema.parse(configWithDefaults(settings, {}));
    expect(config.mcpServers?.map((server) => server.name)).toEqual(['calc', 'docs']);
  });
});
