// A job's output, without the engine: which lines become metrics (JSON objects with numeric fields, `step`
// as the x-axis when it is a whole number), where a finished job's output is read once more, how many of
// its lines a log file already holds after a crash, and which output files are new or changed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changedOutputs, countLoggedLines, jobFiles, snapshotOutputs } from '../src/main/sandbox/jobs-files';
import { parseMetricLine } from '../src/main/sandbox/jobs-metrics';
import { catchUpPoint } from '../src/main/sandbox/jobs-catch-up';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'looplab-job-output-'));
  mkdirSync(join(folder, '.looplab/jobs'), { recursive: true });
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('job metric lines', () => {
  it('parses JSON objects with numbers and leaves every other line alone', () => {
    const lines = [
      '{"step": 10, "loss": 0.31}',
      '  {"epoch": 2, "accuracy": 0.875, "lr": 1e-4, "name": "run-1", "ok": true, "nested": {"a": 1}}  ',
      '{"loss": 0.5}',
      '{"step": 1.5, "loss": 0.5}',
      '{"step": -1, "loss": 0.5}',
      '{"step": 3}',
      '{"note": "no numbers here"}',
      '[1, 2, 3]',
      '{"loss": 0.5',
      'epoch 3: loss 0.31',
      '',
      '10%|█         | 1/10\r{"step": 1, "loss": 0.9}',
      '{"loss": 1e999}',
    ];
    expect(lines.map((line) => parseMetricLine(line))).toEqual([
      { step: 10, values: { loss: 0.31 } },
      { values: { epoch: 2, accuracy: 0.875, lr: 1e-4 } },
      { values: { loss: 0.5 } },
      { values: { step: 1.5, loss: 0.5 } },
      { values: { step: -1, loss: 0.5 } },
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      { step: 1, values: { loss: 0.9 } },
      undefined,
    ]);
  });

  it('keeps keys the event schema accepts and bounds how many', () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`m${index}`, index]));
    const parsed = parseMetricLine(JSON.stringify({ ...wide, ['k'.repeat(129)]: 1, '': 2 }));
    expect(Object.keys(parsed?.values ?? {})).toEqual(Array.from({ length: 64 }, (_, index) => `m${index}`));
  });
});

describe('a job’s output after it ends or after a crash', () => {
  it('reads a finished job’s output again from a second before the last frame handled', () => {
    expect(catchUpPoint([])).toBeUndefined();
    const stamps = [
      '2026-11-26T22:33:31.900000000Z',
      '2026-11-26T22:33:32.318714746Z',
      '2026-11-26T22:33:32.600000000Z',
      '2026-11-26T22:33:33.000000001Z',
      '2026-11-26T22:33:33.500000000Z',
    ];
    const seconds = Date.parse('2026-11-26T22:33:32Z') / 1000;
    expect(catchUpPoint(stamps)).toEqual({ since: `${seconds}.500000000`, skip: 3 });
  });

  it('counts the job’s lines a log file holds, notes aside, and drops a line cut off by a crash', async () => {
    const files = jobFiles(folder, 'job_a');
    const log = files.log;
    expect(await countLoggedLines(files)).toBe(0);
    const long = 'x'.repeat(200_000);
    writeFileSync(log, `[looplab] unloaded a model\nfirst\n\n${long}\n[looplab]x\n{"step": 1}\npartial li`);
    expect(await countLoggedLines(files)).toBe(5);
    expect(readFileSync(log, 'utf8')).toBe(`[looplab] unloaded a model\nfirst\n\n${long}\n[looplab]x\n{"step": 1}\n`);
  });

  it('finds the files under outputs/ that are new or changed since the job started', async () => {
    const files = jobFiles(folder, 'job_a');
    mkdirSync(join(folder, 'outputs/old'), { recursive: true });
    writeFileSync(join(folder, 'outputs/old/kept.txt'), 'same');
    writeFileSync(join(folder, 'outputs/changed.txt'), 'before');
    writeFileSync(join(folder, 'outside.txt'), 'not an output');
    await snapshotOutputs(folder, files);
    writeFileSync(join(folder, 'outputs/changed.txt'), 'after!!');
    mkdirSync(join(folder, 'outputs/new'));
    writeFileSync(join(folder, 'outputs/new/model.bin'), Buffer.alloc(2048));
    writeFileSync(join(folder, 'outside.txt'), 'changed, but not an output');
    utimesSync(join(folder, 'outputs/old/kept.txt'), new Date(), new Date(Date.now() + 5000));
    expect(await changedOutputs(folder, files)).toEqual([
      { path: 'outputs/changed.txt', bytes: 7 },
      { path: 'outputs/new/model.bin', bytes: 2048 },
      { path: 'outputs/old/kept.txt', bytes: 4 },
    ]);
  });
});
