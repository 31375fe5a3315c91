// A remote job's outputs/ unpacked by this machine's own `tar`, fed straight from OpenSSH (no byte passes
// through this process): into a fresh folder of Looplab's beside the workspace, never into the workspace,
// so nothing in the archive can reach past that folder (tar refuses `..` and absolute names and makes a
// link that leaves the folder only after every file). Then only its plain files and folders are moved
// into the workspace's outputs/, each into a folder held open without following a link (fs/open-inside.ts),
// so a link the sandbox put there leads nowhere. Over the size cap, or without a `tar`, the caller unpacks
// with node-tar instead, which counts as it goes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openChildFolder, openFolderInside, type OpenFolder } from '../fs/open-inside';
import { OUTPUTS_FOLDER } from './jobs-spec';
import type { SshCommand } from './jobs-remote';
import { shellQuote } from './shell-quote';

/** Exit status of the far side's script when outputs/ is over the cap: nothing was sent. */
const TOO_LARGE = 3;
/** Exit status of the far side's script when the job made no outputs/: nothing to bring. */
const NONE = 4;

let tarHere: boolean | undefined;

/** Whether this machine has a `tar` to run (asked once). */
function hasTar(): boolean {
  tarHere ??= spawnSync('tar', ['--version'], { stdio: 'ignore' }).status === 0;
  return tarHere;
}

/** A folder of Looplab's beside the workspace (the same file system, so files move by renaming). */
function scratchBeside(workspaceFolder: string): string | undefined {
  try {
    return mkdtempSync(join(dirname(workspaceFolder), '.outputs-'));
  } catch {
    return undefined;
  }
}

/** Waits for a child to end: its exit code, or 'missing' when it could not start. */
function ended(child: ReturnType<typeof spawn>): Promise<number | 'missing'> {
  return new Promise((resolve) => {
    child.once('error', () => resolve('missing'));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Brings outputs/ back with the system's tar. Resolves true when done (or there was none), false when the
 * caller should unpack another way (no tar here, or over `maxBytes`); throws when SSH or tar failed.
 */
export async function fetchWithTar(
  ssh: SshCommand,
  workspace: string,
  workspaceFolder: string,
  maxBytes: number,
): Promise<boolean> {
  const scratch = hasTar() ? scratchBeside(workspaceFolder) : undefined;
  if (scratch === undefined) return false;
  try {
    const tar = spawn('tar', ['-x', '-f', '-', '-C', scratch, '--no-same-owner', '--no-same-permissions'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const tarEnd = ended(tar);
    let said = '';
    tar.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2000)));
    if (tar.stdin === null) return false;
    const folder = shellQuote(OUTPUTS_FOLDER);
    const kb = Math.floor(maxBytes / 1024);
    const script =
      `cd ${workspace} && if [ -d ${folder} ]; then ` +
      `if [ "$(du -sk ${folder} | cut -f1)" -gt ${kb} ]; then exit ${TOO_LARGE}; fi; tar -cf - ${folder}; ` +
      `else exit ${NONE}; fi`;
    const ssh2 = spawn('ssh', [...ssh.args, script], { stdio: ['ignore', tar.stdin, 'pipe'] });
    tar.stdin.destroy(); // tar's input is ssh's output now: tar sees its end when ssh ends
    ssh2.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2000)));
    const [sshCode, tarCode] = await Promise.all([ended(ssh2), tarEnd]);
    if (sshCode === NONE) return true;
    if (sshCode === TOO_LARGE || tarCode === 'missing') return false;
    if (sshCode !== 0 || tarCode !== 0) throw new Error(`ssh exit ${sshCode}, tar exit ${tarCode}: ${said.trim()}`);
    moveOutputs(scratch, workspaceFolder);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Moves the unpacked outputs/'s plain files and folders into the workspace's, replacing what is there. */
export function moveOutputs(scratch: string, workspaceFolder: string): void {
  const from = join(scratch, OUTPUTS_FOLDER);
  const into = openFolderInside(workspaceFolder, OUTPUTS_FOLDER, { create: true });
  try {
    moveInto(from, into);
  } finally {
    into.close();
  }
}

function moveInto(from: string, into: OpenFolder): void {
  let entries;
  try {
    entries = readdirSync(from, { withFileTypes: true });
  } catch {
    return; // no outputs/ there
  }
  for (const entry of entries) {
    const source = join(from, entry.name);
    if (entry.isFile()) {
      try {
        renameSync(source, join(into.location, entry.name));
      } catch {
        // A folder of the same name in the way: the file stays there.
      }
    } else if (entry.isDirectory()) {
      const child = childFolder(into, entry.name);
      if (child === undefined) continue;
      try {
        moveInto(source, child);
      } finally {
        child.close();
      }
    }
  }
}

/** The subfolder `name` of an open folder, made where missing; undefined where a link or a file is. */
function childFolder(parent: OpenFolder, name: string): OpenFolder | undefined {
  try {
    return openChildFolder(parent, name);
  } catch {
    try {
      return openFolderInside(parent.location, name, { create: true });
    } catch {
      return undefined;
    }
  }
}
