// Static headers for an MCP server at a URL that takes a key: the calc server over streamable HTTP
// refuses a request without `Authorization: Bearer <key>`; the run sends the header on every request,
// records only its name, and a resumed run finds the value on this machine again.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { headerVariable } from '../src/main/mcp/mcp-env';
import { recordedConfig } from '../src/main/runs/run-config';
import type { McpServer } from '../src/shared/loop-config';
import { serveMcpHttp, type McpHttpFake } from './fakes/mcp-http-fake';
import { createCalcServer } from './fakes/mcp-server';
import { lastToolOutput, runWithServers } from './helpers/mcp-run';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const KEY = 'Bearer sk-mcp-header-9931';

let home: TempHome;
let app: App;
let fake: McpHttpFake;

beforeEach(async () => {
  home = makeTempHome('looplab-mcp-headers-');
  app = createApp({ home: home.paths.root, ui: 'web' });
  fake = await serveMcpHttp({
    make: createCalcServer,
    admit: (request, response) => {
      if (request.headers.authorization === KEY) return true;
      response.writeHead(403, { 'content-type': 'text/plain' }).end('a key is needed');
      return false;
    },
  });
});

afterEach(async () => {
  await app.shutdown();
  await fake.close();
  home.remove();
});

const allow = { rules: [{ tool: 'mcp__keyed__*', action: 'allow' as const }] };

function turns(seen: string[]) {
  return [
    { calls: [{ name: 'mcp__keyed__add', args: { a: 40, b: 2 } }] },
    (request: Parameters<typeof lastToolOutput>[0]) => {
      seen.push(lastToolOutput(request));
      return { text: 'Done.' };
    },
  ];
}

describe('MCP servers with static headers', () => {
  it('sends the header on every request and records only its name', { timeout: 30_000 }, async () => {
    const seen: string[] = [];
    const server: McpServer = { name: 'keyed', transport: 'http', url: fake.url, headers: { Authorization: KEY } };
    const { runId, outcome } = await runWithServers(app, [server], turns(seen), allow);
    expect(outcome.status).toBe('finished');
    expect(seen).toEqual(['42']);
    const mcpRequests = fake.requests.filter((request) => request.path === '/mcp');
    expect(mcpRequests.map((request) => request.method)).toEqual(expect.arrayContaining(['POST', 'DELETE']));
    expect(mcpRequests.every((request) => request.headers.authorization === KEY)).toBe(true);
    const recorded = recordedConfig(app.store.loadEvents(runId))?.mcpServers?.[0];
    expect(recorded).toEqual({ name: 'keyed', transport: 'http', url: fake.url, headerNames: ['Authorization'] });
    expect(JSON.stringify(app.store.loadEvents(runId))).not.toContain('sk-mcp-header-9931');
  });

  it('looks a recorded header up in settings.json, else the environment', { timeout: 30_000 }, async () => {
    const recorded: McpServer = { name: 'keyed', transport: 'http', url: fake.url, headerNames: ['Authorization'] };
    const missing = await runWithServers(app, [recorded], turns([]), allow);
    expect(missing.outcome.status).toBe('failed');
    expect(missing.outcome.reason).toContain(
      'The MCP server keyed needs the header Authorization, which is not set on this machine',
    );
    expect(missing.outcome.reason).toContain('or set MCP_KEYED_AUTHORIZATION in the environment');
    expect(headerVariable('my-docs', 'X-Api-Key')).toBe('MCP_MY_DOCS_X_API_KEY');

    writeFileSync(
      home.paths.settings,
      JSON.stringify({ mcpServers: [{ ...recorded, headers: { Authorization: KEY } }] }),
    );
    const seen: string[] = [];
    const { outcome } = await runWithServers(app, [recorded], turns(seen), allow);
    expect(outcome.status).toBe('finished');
    expect(seen).toEqual(['42']);
  });

  it('fails the run saying what the server answered when the key is wrong', { timeout: 30_000 }, async () => {
    const server: McpServer = {
      name: 'keyed',
      transport: 'http',
      url: fake.url,
      headers: { Authorization: 'Bearer no' },
    };
    const { outcome } = await runWithServers(app, [server], turns([]), allow);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain(`The MCP server keyed (${fake.url}) did not start or answer`);
    expect(outcome.reason).toContain('a key is needed');
  });
});
