import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/open-store';
import { isBlobRef } from '../src/shared/events';
import { largeOutput, recordSampleRun, SAMPLE_GOAL } from './fixtures/sample-run';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let cwd: string;

beforeEach(() => {
  home = makeTempHome();
  cwd = mkdtempSync(join(tmpdir(), 'looplab-cwd-'));
});

afterEach(() => {
  home.remove();
  rmSync(cwd, { recursive: true, force: true });
});

function seed(): string {
  const { store, close } = openStore(home.paths);
  const runId = recordSampleRun(store);
  close();
  return runId;
}

describe('looplab runs', () => {
  it('prints [] for an empty data folder and writes nothing to the current directory', async () => {
    const emptyHome = join(cwd, '..', `${cwd.split('/').pop()}-home`);
    const result = await runCli(['runs', '--json'], { cwd, env: { LOOPLAB_HOME: emptyHome } });
    rmSync(emptyHome, { recursive: true, force: true });
    expect(result).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('lists recorded runs as a table and as JSON, --home winning over LOOPLAB_HOME', async () => {
    const runId = seed();
    const table = await runCli(['--home', home.paths.root, 'runs'], {
      cwd,
      env: { LOOPLAB_HOME: join(cwd, 'elsewhere') },
    });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+STATUS\s+METRIC\s+MODEL\s+STEPS\s+TOKENS\s+COST\s+TIME\s+CREATED\s+TITLE$/,
    );
    expect(table.stdout).toContain(`${runId}  finished  macro_f1 0.81  ollama/qwen2.5-coder:7b  3      4.5k`);
    const json = await runCli(['runs', '--json'], { cwd, env: { LOOPLAB_HOME: home.paths.root } });
    expect(JSON.parse(json.stdout).map((run: { id: string; status: string }) => [run.id, run.status])).toEqual([
      [runId, 'finished'],
    ]);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      goal: SAMPLE_GOAL,
      spec: null,
      metric: { name: 'macro_f1', value: 0.81, target: null, better: 'higher', attempt: 1 },
    });
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('looplab show', () => {
  it('prints the run with its events in order, blobs inline', async () => {
    const runId = seed();
    const result = await runCli(['show', runId, '--json', '--home', home.paths.root], { cwd });
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as {
      run: { id: string; steps: number };
      events: { seq: number; type: string; payload: unknown }[];
    };
    const { store, close } = openStore(home.paths);
    const expected = { run: store.getRun(runId), events: store.loadEvents(runId) };
    close();
    expect(shown).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(shown.events.map((event) => event.seq)).toEqual(shown.events.map((_, index) => index));
    expect(shown.events[6]).toMatchObject({ type: 'tool.finished', payload: { output: largeOutput() } });
  });

  it('leaves blobs as references with --no-blobs', async () => {
    const runId = seed();
    const result = await runCli(['show', runId, '--json', '--no-blobs', '--home', home.paths.root], { cwd });
    const shown = JSON.parse(result.stdout) as { events: { payload: { output?: unknown } }[] };
    expect(isBlobRef(shown.events[6]!.payload.output)).toBe(true);
    expect(result.stdout).not.toContain('epoch-summary-zebra: done');
  });

  it('prints one readable line per event', async () => {
    const runId = seed();
    const result = await runCli(['show', runId, '--home', home.paths.root], { cwd });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${runId}  finished`);
    expect(lines).toContain(
      '    3  22:13:20.750  model.finished       I will look at the data first, then train a baseline. · → bash, write · 1.2k in / 80 out',
    );
    expect(lines.filter((line) => /^\s+\d+ {2}\d\d:\d\d/.test(line))).toHaveLength(23);
  });

  it('says clearly when a run does not exist or the id is malformed', async () => {
    const missing = await runCli(['show', 'run_doesnotexist', '--home', home.paths.root], { cwd });
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'looplab: No run run_doesnotexist in this data folder.\nList the runs with `looplab runs`.\n',
    });
    const malformed = await runCli(['show', '../etc/passwd', '--home', home.paths.root], { cwd });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('Invalid run id: "../etc/passwd" (a run id looks like run_…');
  });
});
