// Several processes writing one data folder at once (the app and `looplab` commands, or two terminals):
// every write transaction takes the write lock when it begins and waits for it, so none of them fails
// with "database is locked". Eight real child processes open a new folder at the same moment (racing
// to create and migrate it) and append through the real EventStore, twenty times over.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHome } from '../../src/main/home';
import { openStore } from '../../src/main/store/open-store';
import { summarizeAll } from '../../src/shared/run-summary';
import { startWriters, type WriterPool } from '../helpers/concurrent-writers';

const WRITERS = 8;
const ROUNDS = 20;
const APPENDS = 20;
const BATCH = 3;
/** In memory where there is a tmpfs: this is about locks between processes, not the disk's fsync time. */
const PARENT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

let pool: WriterPool;
beforeAll(async () => {
  pool = await startWriters(WRITERS, APPENDS, BATCH);
}, 180_000);
afterAll(() => pool?.stop());

describe('several processes writing one data folder', () => {
  it(`${WRITERS} processes appending at once, ${ROUNDS} rounds: no failure, every event there, seqs contiguous`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const root = mkdtempSync(join(PARENT, 'looplab-writers-'));
      try {
        const written = await pool.writeTogether(root);
        const opened = openStore(ensureHome(root));
        try {
          expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
          const runs = opened.store.listRuns();
          expect(runs.map((run) => run.id).sort()).toEqual(written.map((writer) => writer.runId).sort());
          for (const { runId, events } of written) {
            const stored = opened.store.loadEvents(runId);
            expect(stored.length).toBe(1 + APPENDS * BATCH + 1);
            expect(events).toBe(stored.length);
            expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => index));
            expect(opened.store.getRun(runId)).toEqual(summarizeAll(stored));
          }
        } finally {
          opened.close();
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  }, 300_000);
});
