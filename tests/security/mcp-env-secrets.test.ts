// An MCP server's environment values (API keys, passwords) never reach the data folder or an export:
// the run records the variables' names, and their values are looked up on this machine each time the
// server starts (settings.json's server of that name, else Looplab's environment), a resumed run's too.
// The stdio calc server writes the value it received to a file outside the data folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/main/app';
import { exportFile } from '../../src/main/runs/run-export';
import { recordedConfig } from '../../src/main/runs/run-config';
import { loopConfigSchema, type McpServer } from '../../src/shared/loop-config';
import { runWithServers } from '../helpers/mcp-run';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const VALUE = 'horse-battery-staple-4711-mcp';
const LATER_VALUE = 'correct-horse-8812-mcp';

let home: TempHome;
let app: App;
let outside: string;

beforeEach(() => {
  home = makeTempHome('looplab-mcp-env-');
  app = createApp({ home: home.paths.root, ui: 'web' });
  outside = mkdtempSync(join(tmpdir(), 'looplab-mcp-echo-'));
});

afterEach(async () => {
  await app.shutdown();
  home.remove();
  rmSync(outside, { recursive: true, force: true });
});

function calc(env: Record<string, string>): McpServer {
  return {
    name: 'calc',
    transport: 'stdio',
    command: join(process.cwd(), 'node_modules/.bin/tsx'),
    args: [join(process.cwd(), 'tests/fakes/mcp-server.ts')],
    env,
  };
}

/** Every file under a folder, as bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

const turns = () => [{ calls: [{ name: 'mcp__calc__add', args: { a: 1, b: 2 } }] }, { text: 'Done.' }];
const allow = { rules: [{ tool: 'mcp__calc__*', action: 'allow' as const }] };

describe('MCP servers environment values', () => {
  it('reach the server but not the data folder nor an export', { timeout: 60_000 }, async () => {
    const echo = join(outside, 'received');
    const { runId, outcome, events } = await runWithServers(
      app,
      [calc({ MCP_SECRET_TOKEN: VALUE, MCP_ECHO_FILE: echo })],
      turns(),
      allow,
    );
    expect(outcome.status).toBe('finished');
    expect(readFileSync(echo, 'utf8')).toBe(VALUE);
    const created = events[0]!;
    expect(created.type === 'run.created' && created.payload.config?.mcpServers).toEqual([
      { ...calc({}), env: undefined, envNames: ['MCP_SECRET_TOKEN', 'MCP_ECHO_FILE'] },
    ]);
    app.close();
    const holding = filesUnder(home.paths.root).filter((file) => file.bytes.includes(VALUE));
    expect(holding.map((file) => file.path)).toEqual([]);
    app = createApp({ home: home.paths.root, ui: 'web' });
    const archive = gunzipSync(exportFile(app.store, runId, 'looplab').bytes).toString('utf8');
    expect(archive).toContain('MCP_SECRET_TOKEN');
    expect(archive).not.toContain(VALUE);
    expect(exportFile(app.store, runId, 'otel').bytes.toString('utf8')).not.toContain(VALUE);
  });

  it(
    'are looked up again when the run resumes, from settings.json, and missing ones are named',
    { timeout: 60_000 },
    async () => {
      const first = await runWithServers(
        app,
        [calc({ MCP_SECRET_TOKEN: VALUE, MCP_ECHO_FILE: join(outside, 'a') })],
        turns(),
        allow,
      );
      const config = recordedConfig(first.events)!;

      const missing = await runWithServers(app, [], [{ text: 'never asked' }], { config });
      expect(missing.outcome.status).toBe('failed');
      expect(missing.outcome.reason).toContain(
        'The MCP server calc needs the variable MCP_SECRET_TOKEN, which is not set on this machine',
      );
      expect(missing.outcome.reason).toContain(
        'Set MCP_SECRET_TOKEN in the environment, or give it in settings.json under mcpServers → calc → env.',
      );

      const echo = join(outside, 'b');
      writeFileSync(
        home.paths.settings,
        JSON.stringify({ mcpServers: [calc({ MCP_SECRET_TOKEN: LATER_VALUE, MCP_ECHO_FILE: echo })] }),
      );
      const resumed = await runWithServers(app, [], turns(), { ...allow, config });
      expect(resumed.outcome.status).toBe('finished');
      expect(readFileSync(echo, 'utf8')).toBe(LATER_VALUE);
    },
  );

  it('are removed from the export of a run recorded before names only were kept', () => {
    // Such a run's run.created still holds the values, as this version never writes them.
    const runId = 'run_0old0mcp0env0values';
    const config = loopConfigSchema.parse({ mcpServers: [calc({ MCP_SECRET_TOKEN: VALUE })] });
    app.store.append(runId, [
      { type: 'run.created', payload: { goal: 'Add', model: 'scripted/model', origin: 'new', config } },
      { type: 'message.user', payload: { text: `the server said ${VALUE}` } },
    ]);
    expect(gunzipSync(exportFile(app.store, runId, 'looplab').bytes).toString('utf8')).not.toContain(VALUE);
    expect(exportFile(app.store, runId, 'otel').bytes.toString('utf8')).not.toContain(VALUE);
  });
});
