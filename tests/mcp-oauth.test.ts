// Authorization for an MCP server at a URL (the MCP spec's OAuth) against a fake on 127.0.0.1: the
// server answers 401 with its protected-resource metadata, Looplab registers, sends the person's browser
// to authorize (the test plays the browser, following the redirect to Looplab's loopback), trades the
// code and its PKCE verifier for a token, keeps it in the secret store, and reuses it next time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { oauthSecret } from '../src/main/mcp/mcp-oauth';
import type { McpServer } from '../src/shared/loop-config';
import { serveProtectedMcp, type OAuthFake } from './fakes/oauth-fake';
import { lastToolOutput, runWithServers } from './helpers/mcp-run';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let fake: OAuthFake;
const apps: App[] = [];
/** The pages the person's browser was sent to. */
let opened: URL[];

/** A browser that follows the authorization page's redirect back to Looplab's loopback. */
async function browser(page: URL): Promise<void> {
  opened.push(page);
  const answer = await fetch(page, { redirect: 'manual' });
  const back = answer.headers.get('location');
  if (back !== null) await (await fetch(back)).text();
}

function app(options: { browser: boolean }): App {
  const made = createApp({ home: home.paths.root, ui: 'web', ...(options.browser ? { openUrl: browser } : {}) });
  apps.push(made);
  return made;
}

beforeEach(async () => {
  home = makeTempHome('looplab-mcp-oauth-');
  fake = await serveProtectedMcp();
  opened = [];
});

afterEach(async () => {
  for (const made of apps.splice(0)) await made.shutdown();
  await fake.close();
  home.remove();
});

const allow = { rules: [{ tool: 'mcp__guarded__*', action: 'allow' as const }] };

function turns(seen: string[]) {
  return [
    { calls: [{ name: 'mcp__guarded__add', args: { a: 40, b: 2 } }] },
    (request: Parameters<typeof lastToolOutput>[0]) => {
      seen.push(lastToolOutput(request));
      return { text: 'Done.' };
    },
  ];
}

describe('MCP servers that ask for a sign-in (OAuth)', () => {
  it(
    'signs in once through the browser, keeps the token in the secret store and reuses it',
    { timeout: 30_000 },
    async () => {
      const server: McpServer = { name: 'guarded', transport: 'http', url: fake.url };
      const looplab = app({ browser: true });
      const seen: string[] = [];
      const first = await runWithServers(looplab, [server], turns(seen), allow);
      expect(first.outcome.status).toBe('finished');
      expect(seen).toEqual(['42']);
      expect(opened).toHaveLength(1);
      expect(opened[0]!.searchParams.get('code_challenge_method')).toBe('S256');
      expect(fake.issued).toHaveLength(1);
      const token = fake.issued[0]!;
      expect(looplab.secrets.get(oauthSecret('guarded'))).toContain(token);
      expect(JSON.stringify(first.events)).not.toContain(token);

      const again: string[] = [];
      const second = await runWithServers(looplab, [server], turns(again), allow);
      expect(second.outcome.status).toBe('finished');
      expect(again).toEqual(['42']);
      expect(opened).toHaveLength(1);
      expect(fake.issued).toHaveLength(1);
      expect(JSON.stringify(second.events)).not.toContain(token);
    },
  );

  it('a headless run with no one to ask says how to sign in', { timeout: 30_000 }, async () => {
    const server: McpServer = { name: 'guarded', transport: 'http', url: fake.url };
    const { outcome } = await runWithServers(app({ browser: false }), [server], turns([]), allow);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain(`The MCP server guarded (${fake.url}) asks you to sign in (OAuth)`);
    expect(outcome.reason).toContain('looplab mcp login guarded');
    expect(fake.issued).toEqual([]);
  });

  it('a refused sign-in fails the run saying so', { timeout: 30_000 }, async () => {
    fake.refuse.value = true;
    const server: McpServer = { name: 'guarded', transport: 'http', url: fake.url };
    const { outcome } = await runWithServers(app({ browser: true }), [server], turns([]), allow);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('Looplab was not authorized to use the MCP server guarded (access_denied)');
    expect(fake.issued).toEqual([]);
  });
});
