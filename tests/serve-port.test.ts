// A second `looplab serve` as a person starts it by mistake or on purpose: on the same data folder it
// points at the server already running; on a port another program holds, it serves on a free port and
// says so; and `--open` on a machine with no browser says so instead of doing nothing.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, waitForLine } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const homes: TempHome[] = [];
const children: ChildProcess[] = [];
let blocker: Server | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
  blocker?.close();
  blocker = undefined;
  for (const home of homes.splice(0)) home.remove();
});

function home(): TempHome {
  const made = makeTempHome();
  homes.push(made);
  return made;
}

async function serving(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnCli(['serve', ...args]);
  children.push(child);
  const url = (await waitForLine(child, /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/))[1]!;
  return { child, url };
}

describe('looplab serve, started twice', () => {
  it('points a second serve of the same data folder at the one already running', { timeout: 120_000 }, async () => {
    const folder = home();
    const first = await serving(['--port', '0', '--home', folder.paths.root]);
    const second = await runCli(['serve', '--port', '0', '--home', folder.paths.root]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(
      `Looplab is already serving ${folder.paths.root} (process ${first.child.pid})\nOpen ${first.url}\n`,
    );
  });

  it(
    'serves on a free port when another program holds the one asked for, and says so',
    { timeout: 120_000 },
    async () => {
      blocker = createServer();
      blocker.listen(0, '127.0.0.1');
      await once(blocker, 'listening');
      const taken = (blocker.address() as { port: number }).port;
      const child = spawnCli(['serve', '--port', String(taken), '--home', home().paths.root]);
      children.push(child);
      const [, port] = await waitForLine(
        child,
        /Port \d+ is taken by another program; serving on port (\d+) instead\./,
      );
      expect(Number(port)).not.toBe(taken);
      await waitForLine(child, new RegExp(`Open http://127\\.0\\.0\\.1:${port}/#token=`));
    },
  );

  it('says when no browser can be opened for --open', { timeout: 120_000 }, async () => {
    const child = spawnCli(['serve', '--port', '0', '--open', '--home', home().paths.root], {
      env: { PATH: '/nonexistent' },
    });
    children.push(child);
    await waitForLine(
      child,
      /No browser could be opened here \(xdg-open is not installed\): open the link above in a browser yourself\./,
    );
  });
});
