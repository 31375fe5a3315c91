// Deleting runs and collecting blobs, SIGKILLed at random steps: the store stays consistent (integrity
// ok, every summary the fold of its events, a run either whole or gone) and no remaining run loses a
// blob; a later `looplab gc` finishes the work. LOOPLAB_CRASH_SEED replays a sequence.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/open-store';
import { summarizeAll } from '../../src/shared/run-summary';
import { ageBlobs, blobFiles, recordBlobRun, referencedBy } from '../fixtures/blob-runs';
import { runCli } from '../helpers/cli';
import { seededRandom as random } from '../helpers/seeded-random';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const CHILD = join(import.meta.dirname, '..', 'fixtures', 'lifecycle-child.ts');
const seed = Number(process.env.LOOPLAB_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ITERATIONS = Number(process.env.LOOPLAB_CRASH_ITERATIONS ?? 4);

/** Runs the child and kills it once it has printed `killAfter` lines; resolves with the lines seen. */
function deleteUntilKilled(home: string, runIds: string[], killAfter: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, ...runIds], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.split('\n').length - 1 >= killAfter) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) =>
    child.once('close', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`the child failed (${code}):\n${stderr}`));
      else resolve(output.split('\n').filter(Boolean));
    }),
  );
}

let home: TempHome;
beforeEach(() => (home = makeTempHome('looplab-delete-crash-')));
afterEach(() => home.remove());

describe('delete and gc killed at any step', () => {
  it(`leaves a consistent store and every remaining run's blobs (seed ${seed})`, async () => {
    console.log(`delete/gc crash: seed ${seed}`);
    const next = random(seed);
    let opened = openStore(home.paths);
    const runs: string[] = [];
    for (let index = 0; index < 2 + ITERATIONS * 2; index++)
      runs.push(await recordBlobRun(opened, home.paths, `r${index}`));
    opened.close();
    ageBlobs(home.paths);

    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const doomed = runs.splice(0, 2);
      // Two runs: rows, folder, rows, folder, then each blob only they used; kill at one of those steps.
      const killAfter = 1 + Math.floor(next() * 8);
      const seen = await deleteUntilKilled(home.paths.root, doomed, killAfter);

      opened = openStore(home.paths);
      try {
        expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const listed = opened.store.listRuns({ limit: 1000 }).map((run) => run.id);
        const keys = opened.db.prepare('SELECT id FROM run_keys').pluck().all() as string[];
        expect(keys.sort()).toEqual([...listed].sort());
        // A run the child said it removed is gone. One it did not mention may be gone too: the kill
        // lands a moment after the parent reads the line, and the child can commit the next delete
        // before it prints that. Either way the run is whole or absent, which the checks below see.
        for (const runId of doomed.filter((id) => seen.includes(`removed run ${id}`)))
          expect({ runId, listed: listed.includes(runId) }).toEqual({ runId, listed: false });
        const files = new Set(blobFiles(home.paths));
        for (const runId of listed) {
          expect(opened.store.getRun(runId)).toEqual(summarizeAll(opened.store.loadEvents(runId)));
          expect(referencedBy(opened, runId).filter((hash) => !files.has(hash))).toEqual([]);
        }
        // Delete what the kill left behind, as a person would after the crash.
        const left = doomed.filter((runId) => listed.includes(runId));
        if (left.length > 0) {
          const result = opened.lifecycle.deleteRuns(left);
          expect(result.deleted).toEqual(left);
        }
      } finally {
        opened.close();
      }
      const gc = await runCli(['--home', home.paths.root, 'gc']);
      expect(gc.code).toBe(0);
      for (const runId of doomed) expect(existsSync(join(home.paths.workspaces, runId))).toBe(false);
    }

    opened = openStore(home.paths);
    const wanted = new Set(runs.flatMap((runId) => referencedBy(opened, runId)));
    opened.close();
    expect(blobFiles(home.paths)).toEqual([...wanted].sort());
  }, 600_000);
});
