// Several processes appending to one data folder at once (the app and `looplab` commands): events per
// second with 8 writer processes against 1, each committing small batches through the real EventStore
// on this machine's temp disk. Printed beside the single writer measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWriters } from '../tests/helpers/concurrent-writers';
import { report } from './report';

const APPENDS = 150;
const BATCH = 3;

/** Events per second over the whole round: from the moment all start until the last one is done. */
async function throughput(writers: number): Promise<number> {
  const pool = await startWriters(writers, APPENDS, BATCH);
  try {
    await pool.writeTogether(mkdtempSync(join(tmpdir(), 'looplab-bench-writers-'))); // warm-up
    const root = mkdtempSync(join(tmpdir(), 'looplab-bench-writers-'));
    const start = performance.now();
    const written = await pool.writeTogether(root);
    const seconds = (performance.now() - start) / 1000;
    rmSync(root, { recursive: true, force: true });
    return written.reduce((sum, writer) => sum + writer.events, 0) / seconds;
  } finally {
    pool.stop();
  }
}

export async function benchWriters(): Promise<void> {
  const one = await throughput(1);
  const eight = await throughput(8);
  report('append throughput, 8 writer processes on one folder', eight, 'events/s', {
    label: '1 writer process',
    value: one,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWriters();
