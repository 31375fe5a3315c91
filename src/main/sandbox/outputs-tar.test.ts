// A remote job's outputs/ unpacked by the system's tar beside the workspace, then moved in: only plain
// files and folders arrive, a link in the archive stays behind, and a link the sandbox planted in the
// workspace's outputs/ leads nowhere (the file meant to go through it is not written out of the workspace).
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveOutputs } from './outputs-tar';

let root: string;
let scratch: string;
let workspace: string;
let outside: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'looplab-outputs-tar-'));
  scratch = join(root, '.outputs-x');
  workspace = join(root, 'run_a');
  outside = join(root, 'outside');
  for (const folder of [join(scratch, 'outputs', 'model'), join(workspace, 'outputs'), outside])
    mkdirSync(folder, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('outputs unpacked beside the workspace and moved in', () => {
  it('moves plain files and folders, replacing what was there', () => {
    writeFileSync(join(scratch, 'outputs', 'metrics.json'), '{"f1": 0.9}');
    writeFileSync(join(scratch, 'outputs', 'model', 'weights.bin'), 'weights');
    writeFileSync(join(workspace, 'outputs', 'metrics.json'), 'old');
    moveOutputs(scratch, workspace);
    expect(readFileSync(join(workspace, 'outputs', 'metrics.json'), 'utf8')).toBe('{"f1": 0.9}');
    expect(readFileSync(join(workspace, 'outputs', 'model', 'weights.bin'), 'utf8')).toBe('weights');
  });

  it('leaves links behind, and does not write through a link the sandbox put in outputs/', () => {
    symlinkSync('/etc/passwd', join(scratch, 'outputs', 'passwd'));
    writeFileSync(join(scratch, 'outputs', 'model', 'weights.bin'), 'weights');
    // The sandbox made outputs/model a link to a folder of this machine before the job's end.
    symlinkSync(outside, join(workspace, 'outputs', 'model'));
    moveOutputs(scratch, workspace);
    expect(existsSync(join(workspace, 'outputs', 'passwd'))).toBe(false);
    expect(existsSync(join(outside, 'weights.bin'))).toBe(false);
    expect(lstatSync(join(workspace, 'outputs', 'model')).isSymbolicLink()).toBe(true);
  });

  it('replaces a link the sandbox put where a file comes, not what it points at', () => {
    writeFileSync(join(outside, 'secret'), 'keep');
    symlinkSync(join(outside, 'secret'), join(workspace, 'outputs', 'report.txt'));
    writeFileSync(join(scratch, 'outputs', 'report.txt'), 'the report');
    moveOutputs(scratch, workspace);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('keep');
    expect(lstatSync(join(workspace, 'outputs', 'report.txt')).isFile()).toBe(true);
    expect(readFileSync(join(workspace, 'outputs', 'report.txt'), 'utf8')).toBe('the report');
  });
});
