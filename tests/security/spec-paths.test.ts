// A loop spec from elsewhere cannot copy or mount this machine's files: its data and held-out paths stay
// in the spec's folder (links resolved), checked alike by `looplab spec check` and `looplab run --spec`
// with `file:line:col field: message`; only a path the person gives at run time as a parameter may
// point elsewhere. A parameter put into the evaluation command stays one shell argument.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareSpec, readLoopSpec } from '../../src/main/specs/loop-spec';
import { openStore } from '../../src/main/store/open-store';
import { runCli } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let home: TempHome;
let dir: string;

beforeEach(() => {
  home = makeTempHome();
  dir = mkdtempSync(join(tmpdir(), 'looplab-spec-'));
  mkdirSync(join(dir, 'spec'));
  writeFileSync(join(dir, 'spec', 'train.csv'), 'text,label\nhi,a\n');
});

afterEach(() => {
  home.remove();
  rmSync(dir, { recursive: true, force: true });
});

function writeSpec(body: string): string {
  const file = join(dir, 'spec', 'loop.yaml');
  writeFileSync(file, `name: escape\ngoal: Train on {{train}}.\nparams:\n  train: { default: train.csv }\n${body}`);
  return file;
}

function runCount(): number {
  const { store, close } = openStore(home.paths);
  try {
    return store.listRuns().length;
  } finally {
    close();
  }
}

const HINT =
  'keep data and held-out files beside the spec, or give the path at run time as a parameter (--param name=path)';

describe('loop spec paths', () => {
  it.each([
    [
      'a relative path out of the folder',
      'data: [ train.csv, ../../etc/hostname ]\n',
      '5:20 data[1]',
      '../../etc/hostname',
    ],
    ['an absolute path', 'data:\n  - /etc/passwd\n', '6:5 data[0]', '/etc/passwd'],
    [
      'a held-out file out of the folder',
      'evaluation:\n  command: cat /heldout/passwd\n  metric: score\n  heldOut: [ /etc/passwd ]\n',
      '8:14 evaluation.heldOut[0]',
      '/etc/passwd',
    ],
  ])('refuses %s in spec check and run --spec alike', { timeout: 120_000 }, async (_what, body, where, path) => {
    const file = writeSpec(body);
    const message = `The loop spec ${file} has an error:\n  loop.yaml:${where}: ${path} is outside the spec's folder (${join(dir, 'spec')}); ${HINT}`;
    const checked = await runCli(['--home', home.paths.root, 'spec', 'check', file]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(`looplab: ${message}\n`);
    const run = await runCli(['--home', home.paths.root, 'run', '--spec', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`looplab: ${message}\n`);
    expect(runCount()).toBe(0);
  });

  it('resolves links: a link in the spec folder to a folder outside it is refused', { timeout: 120_000 }, async () => {
    symlinkSync('/etc', join(dir, 'spec', 'etc'));
    const file = writeSpec('data: [ etc/hostname ]\n');
    const checked = await runCli(['--home', home.paths.root, 'spec', 'check', file]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(`loop.yaml:5:9 data[0]: etc/hostname is outside the spec's folder`);
  });

  it('refuses a default parameter that leads out, and takes a path the person gives at run time', () => {
    const file = writeSpec('data: [ "{{train}}" ]\n');
    const spec = readLoopSpec(file);
    expect(prepareSpec(spec, file, { train: '/etc/hostname' }).data).toEqual(['/etc/hostname']);
    // The same value from a recording (not the person's, here and now) is refused.
    expect(() => prepareSpec(spec, file, { train: '/etc/hostname' }, { givenByPerson: false })).toThrow(
      `loop.yaml:5:9 data[0]: /etc/hostname is outside the spec's folder`,
    );
    writeFileSync(
      file,
      'name: escape\ngoal: Train on {{train}}.\nparams:\n  train: { default: ../../etc/hostname }\ndata: [ "{{train}}" ]\n',
    );
    expect(() => readLoopSpec(file)).toThrow(`loop.yaml:5:9 data[0]: ../../etc/hostname is outside the spec's folder`);
  });

  it('shell-quotes parameters in the evaluation command: a value stays one argument', () => {
    const marker = join(dir, 'pwned');
    const file = join(dir, 'spec', 'loop.yaml');
    writeFileSync(
      file,
      `name: escape\ngoal: Go.\nparams:\n  x: { default: plain }\nevaluation:\n  command: printf '[%s]' {{x}}\n  metric: score\n`,
    );
    const value = `x; touch ${marker}; echo 'it'"s"`;
    const { command } = prepareSpec(readLoopSpec(file), file, { x: value }).config.evaluation!;
    expect(execFileSync('bash', ['-c', command], { encoding: 'utf8' })).toBe(`[${value}]`);
    expect(existsSync(marker)).toBe(false);
    expect(prepareSpec(readLoopSpec(file), file, {}).config.evaluation!.command).toBe("printf '[%s]' plain");
  });
});
