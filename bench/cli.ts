// The `looplab` command's start: `looplab runs --json` on a fresh empty data folder, run as the package's
// bin runs it (node bin/looplab.mjs, from its cached bundle), beside `node -e ""` measured in the same run,
// the two taken in turn so that both see the same load on the machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { report } from './report';

const REPEATS = 15;
const BIN = join(import.meta.dirname, '..', 'bin', 'looplab.mjs');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time of one run of `node <args>`, in ms; its output checked so a failing start is not timed as a fast one. */
function timed(args: string[], expected: string, env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (result.status !== 0 || result.stdout !== expected || result.stderr !== '') {
    throw new Error(`node ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return elapsed;
}

/** `looplab runs --json` on a data folder made for this call alone. */
function timedRuns(): number {
  const home = mkdtempSync(join(tmpdir(), 'looplab-bench-cli-'));
  try {
    // LOOPLAB_DEBUG makes a start that falls back to the sources (tsx) say so on stderr, which fails it.
    const env = { ...process.env, LOOPLAB_HOME: home, LOOPLAB_DEBUG: '1', LOOPLAB_CLI_SOURCES: '' };
    return timed([BIN, 'runs', '--json'], '[]\n', env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function benchCli(): void {
  // The first start after an edit builds the bundle; that is not what a user waits for each time.
  timedRuns();
  timed(['-e', ''], '');
  const node: number[] = [];
  const looplab: number[] = [];
  for (let index = 0; index < REPEATS; index++) {
    node.push(timed(['-e', ''], ''));
    looplab.push(timedRuns());
  }
  const baseline = median(node);
  const value = median(looplab);
  report(
    'CLI start: `looplab runs --json` on an empty data folder',
    value,
    'ms',
    { label: 'node -e ""', value: baseline },
    {
      target: `≤ 5× node -e "" (here ${(value / baseline).toFixed(1)}×)`,
      met: (figure) => figure <= 5 * baseline,
    },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) benchCli();
