// Check-then-open races: another process swaps a workspace folder and a symbolic link to a folder of
// this machine (holding a marker file under the same names) in a tight loop, while the host-side
// openers of workspace paths run over and over: the web bridge's download (over HTTP), data_inspect,
// the read tool's host side, the workspace snapshot and a job's log (over HTTP). Whatever the timing, none of them ever returns
// or stores the marker: each open refuses a link in any component at the moment it is made.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/main/app';
import { openRunFile } from '../../src/main/runs/run-files';
import { BlobStore } from '../../src/main/store/blob-store';
import { captureWorkspace, readManifest } from '../../src/main/store/workspace-snapshot';
import { dataInspectTool } from '../../src/main/tools/data-inspect';
import { FolderWorkspace } from '../../src/main/tools/folder-workspace';
import { startWebServer, type WebServer } from '../../src/main/web/server';
import type { ToolContext } from '../../src/main/core/tool';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const MARKER = 'HOST-MARKER-d41d8cd98f00';
const TOKEN = 'r4ce';
const TRIES = { download: 300, inspect: 300, read: 300, snapshot: 120, jobLog: 200 };

let home: TempHome;
let app: App;
let server: WebServer;
let swapper: ChildProcess;
let runId: string;
let workspace: string;

/**
 * Swaps `sub` and `.looplab` (real folders) with `spare` and `spare-looplab` (links to the host folder)
 * as fast as it can, until killed.
 */
const SWAP_SCRIPT = `
const { renameSync } = require('node:fs');
process.chdir(process.argv[1]);
process.stdout.write('swapping\\n');
const swap = (real, link) => {
  renameSync(real, real + '.real');
  renameSync(link, real);
  renameSync(real, link);
  renameSync(real + '.real', real);
};
for (;;) {
  swap('sub', 'spare');
  swap('.looplab', 'spare-looplab');
}`;

beforeAll(async () => {
  home = makeTempHome();
  const host = join(home.paths.root, 'host');
  mkdirSync(host);
  writeFileSync(join(host, 'target.txt'), `${MARKER}\n`);
  writeFileSync(join(host, 'table.csv'), `text,label\n${MARKER},a\n`);
  mkdirSync(join(host, 'jobs'));
  writeFileSync(join(host, 'jobs', 'job_r1.log'), `${MARKER}\n`);
  app = createApp({ home: home.paths.root, ui: 'web' });
  runId = app.store.createRun({ goal: 'race', model: 'ollama/qwen2.5-coder:7b', origin: 'new' }).runId;
  workspace = join(home.paths.workspaces, runId);
  mkdirSync(join(workspace, 'sub'), { recursive: true });
  writeFileSync(join(workspace, 'sub', 'target.txt'), 'inside\n');
  writeFileSync(join(workspace, 'sub', 'table.csv'), 'text,label\nfine,a\n');
  symlinkSync(host, join(workspace, 'spare'));
  mkdirSync(join(workspace, '.looplab', 'jobs'), { recursive: true });
  writeFileSync(join(workspace, '.looplab', 'jobs', 'job_r1.log'), 'inside\n');
  symlinkSync(host, join(workspace, 'spare-looplab'));
  app.store.append(runId, [{ type: 'job.started', payload: { jobId: 'job_r1', command: 'true', gpu: false } }]);
  // The web bridge as `looplab serve` builds it, downloads included (no renderer: only /api is used).
  const { handlers, pushes, paths } = app;
  const runFile = (run: string, path: string) => openRunFile(paths.workspaces, run, path);
  server = await startWebServer({ handlers, pushes, rendererDir: home.paths.root, token: TOKEN, runFile });
  swapper = spawn(process.execPath, ['-e', SWAP_SCRIPT, workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    swapper.once('error', reject);
    swapper.stdout!.once('data', () => resolve());
  });
});

afterAll(async () => {
  swapper?.kill('SIGKILL');
  await server?.close();
  app?.close();
  home?.remove();
});

/** Puts the folder and the link back where they were, wherever the killed swapper stopped. */
function settle(folder: string): void {
  const at = (name: string) => join(folder, name);
  if (lstatSync(at('sub'), { throwIfNoEntry: false })?.isSymbolicLink() === true) renameSync(at('sub'), at('spare'));
  if (existsSync(at('sub.real'))) renameSync(at('sub.real'), at('sub'));
  if (lstatSync(at('.looplab'), { throwIfNoEntry: false })?.isSymbolicLink() === true)
    renameSync(at('.looplab'), at('spare-looplab'));
  if (existsSync(at('.looplab.real'))) renameSync(at('.looplab.real'), at('.looplab'));
}

interface Tally {
  tries: number;
  inside: number;
  refused: number;
  escapes: number;
}

async function attempt(tally: Tally, open: () => Promise<string>): Promise<void> {
  tally.tries++;
  let text: string;
  try {
    text = await open();
  } catch {
    tally.refused++;
    return;
  }
  if (text.includes(MARKER)) tally.escapes++;
  else tally.inside++;
}

const context = {
  runId: 'run_race',
  callId: 'tc_1',
  signal: new AbortController().signal,
  progress: () => undefined,
  setPlan: () => undefined,
} as unknown as ToolContext;

describe('a workspace folder swapped for a link while it is opened', () => {
  it('never lets an opener read the host folder behind the link', async () => {
    const markerHash = createHash('sha256').update(`${MARKER}\n`).digest('hex');
    const blobs = new BlobStore(join(home.paths.root, 'race-blobs'));
    const tallies: Record<keyof typeof TRIES, Tally> = {
      download: { tries: 0, inside: 0, refused: 0, escapes: 0 },
      inspect: { tries: 0, inside: 0, refused: 0, escapes: 0 },
      read: { tries: 0, inside: 0, refused: 0, escapes: 0 },
      snapshot: { tries: 0, inside: 0, refused: 0, escapes: 0 },
      jobLog: { tries: 0, inside: 0, refused: 0, escapes: 0 },
    };
    const url = `${server.url}/api/files/${runId}?path=${encodeURIComponent('sub/target.txt')}&token=${TOKEN}`;
    const inspect = dataInspectTool(workspace);
    const folder = new FolderWorkspace(workspace);
    for (let round = 0; round < TRIES.download; round++) {
      await attempt(tallies.download, async () => {
        const response = await fetch(url);
        const text = await response.text();
        if (response.status !== 200) throw new Error(text);
        return text;
      });
    }
    for (let round = 0; round < TRIES.inspect; round++) {
      await attempt(tallies.inspect, async () => (await inspect.run({ path: 'sub/table.csv' }, context)).output);
    }
    for (let round = 0; round < TRIES.read; round++) {
      await attempt(tallies.read, () => folder.readFile('sub/target.txt'));
    }
    for (let round = 0; round < TRIES.snapshot; round++) {
      await attempt(tallies.snapshot, async () => {
        const result = await captureWorkspace(workspace, { blobs, cache: new Map(), maxBytes: 1e9 });
        if (!result.ok) throw new Error(result.reason);
        const hashes = readManifest(blobs, result.manifest).entries.flatMap((entry) =>
          entry.kind === 'file' ? [entry.hash] : [],
        );
        return hashes.includes(markerHash) ? MARKER : 'inside';
      });
    }
    for (let round = 0; round < TRIES.jobLog; round++) {
      await attempt(tallies.jobLog, async () => {
        const response = await fetch(`${server.url}/api/call/jobs.logs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ runId, jobId: 'job_r1' }),
        });
        const result = (await response.json()) as { ok: boolean; value?: { lines: string[] } };
        if (!result.ok) throw new Error(JSON.stringify(result));
        return result.value!.lines.join('\n');
      });
    }
    const total = Object.values(tallies).reduce((sum, tally) => sum + tally.tries, 0);
    const escapes = Object.values(tallies).reduce((sum, tally) => sum + tally.escapes, 0);
    console.log(
      `workspace race: ${total} opens, ${escapes} escapes; ${Object.entries(tallies)
        .map(
          ([name, tally]) =>
            `${name} ${tally.tries} (${tally.inside} inside, ${tally.refused} refused, ${tally.escapes} escapes)`,
        )
        .join('; ')}`,
    );
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(tallies).toEqual({
      download: expect.objectContaining({ escapes: 0 }),
      inspect: expect.objectContaining({ escapes: 0 }),
      read: expect.objectContaining({ escapes: 0 }),
      snapshot: expect.objectContaining({ escapes: 0 }),
      jobLog: expect.objectContaining({ escapes: 0 }),
    });
    // The swap was under way the whole time: some opens met the link or no folder and were refused.
    expect(tallies.download.refused + tallies.inspect.refused + tallies.read.refused).toBeGreaterThan(0);
    // And when nothing races, the workspace's own files are read as before.
    swapper.kill('SIGKILL');
    await new Promise((resolve) => swapper.once('exit', resolve));
    settle(workspace);
    expect(await folder.readFile('sub/target.txt')).toBe('inside\n');
    expect((await fetch(url)).status).toBe(200);
  }, 300_000);
});
