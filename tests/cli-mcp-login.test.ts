// `looplab mcp login <server>` against the fake protected MCP server: the page to open is printed, the
// test plays the person's browser, the command says it is signed in and lists the server's tools; a
// second login finds the token in the secret store and asks nothing; a server settings.json does not
// name at a URL is refused with what to do.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveProtectedMcp, type OAuthFake } from './fakes/oauth-fake';
import { runCli, spawnCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let fake: OAuthFake;

beforeEach(async () => {
  home = makeTempHome('looplab-mcp-login-');
  fake = await serveProtectedMcp();
  writeFileSync(
    home.paths.settings,
    JSON.stringify({ mcpServers: [{ name: 'guarded', transport: 'http', url: fake.url }] }),
  );
});

afterEach(async () => {
  await fake.close();
  home.remove();
});

/** Runs the login; when it prints the page to open, a browser follows it back to the loopback. */
async function login(): Promise<{ code: number | null; stdout: string; stderr: string; asked: boolean }> {
  const child = spawnCli(['--home', home.paths.root, 'mcp', 'login', 'guarded']);
  let stdout = '';
  let stderr = '';
  let asked = false;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const page = /Open this page to sign in to guarded, then come back here:\n\s+(\S+)/.exec(stderr);
    if (page === null || asked) return;
    asked = true;
    void (async () => {
      const answer = await fetch(page[1]!, { redirect: 'manual' });
      const back = answer.headers.get('location');
      if (back !== null) await (await fetch(back)).text();
    })();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr, asked };
}

describe('looplab mcp login', () => {
  it('signs in through the browser once, then finds the token kept', { timeout: 60_000 }, async () => {
    const first = await login();
    expect(first.code, first.stderr).toBe(0);
    expect(first.asked).toBe(true);
    expect(first.stdout).toMatch(/^Signed in to guarded: [1-9]\d* tools\.\n$/);
    expect(fake.issued).toHaveLength(1);
    const again = await login();
    expect(again.code, again.stderr).toBe(0);
    expect(again.asked).toBe(false);
    expect(fake.issued).toHaveLength(1);
  });

  it('refuses a server settings.json does not name at a URL', async () => {
    const result = await runCli(['--home', home.paths.root, 'mcp', 'login', 'nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('settings.json has no MCP server nowhere at a URL.');
  });
});
