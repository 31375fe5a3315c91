// A run's workspace as a folder on this machine. File tools are confined to it: absolute paths, `..`
// and symlinks that lead outside are refused, and files are read and written through
// fs/open-inside.ts, which refuses a link in any component at the moment of the open (so a folder
// swapped for a link between the check and the open cannot lead out). Commands run only in the Docker sandbox, unless the run
// was started with the host runtime switched on explicitly (then each command asks for approval).
import { spawn } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { WorkspaceError, type ExecResult, type Workspace } from '../core/tool';
import { InsideError, readTextInside, writeTextInside } from '../fs/open-inside';

const OUTPUT_CAP_BYTES = 10 * 1024 * 1024;

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

async function nearestExisting(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    try {
      return await realpath(current);
    } catch {
      if (dirname(current) === current) return current;
    }
  }
}

export class FolderWorkspace implements Workspace {
  constructor(
    readonly root: string,
    private readonly options: { hostExec: boolean } = { hostExec: false },
  ) {}

  /** The absolute path for a workspace-relative one, or a WorkspaceError saying why not. */
  async resolvePath(path: string): Promise<string> {
    const root = await realpath(this.root);
    const relativePath = path.startsWith('/workspace/') ? path.slice('/workspace/'.length) : path;
    if (isAbsolute(relativePath))
      throw new WorkspaceError(`${path} is outside the workspace: use a path relative to it.`);
    const target = resolve(root, relativePath);
    if (!inside(root, target)) throw new WorkspaceError(`${path} is outside the workspace.`);
    const real = await nearestExisting(target);
    if (!inside(root, real)) throw new WorkspaceError(`${path} leads outside the workspace through a symbolic link.`);
    return target;
  }

  /** The path relative to the workspace's real root, checked as resolvePath checks it. */
  async insidePath(path: string): Promise<string> {
    const target = await this.resolvePath(path);
    return relative(await realpath(this.root), target)
      .split(sep)
      .join('/');
  }

  async readFile(path: string): Promise<string> {
    const inside = await this.insidePath(path);
    try {
      return readTextInside(this.root, inside);
    } catch (error) {
      throw workspaceError(error, path);
    }
  }

  async writeFile(path: string, content: string): Promise<void> {
    const inside = await this.insidePath(path);
    try {
      writeTextInside(this.root, inside, content);
    } catch (error) {
      throw workspaceError(error, path);
    }
  }

  exec(
    command: string,
    options: { timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void },
  ): Promise<ExecResult> {
    if (!this.options.hostExec) {
      return Promise.reject(
        new WorkspaceError(
          'Commands run in the Docker sandbox, which this version of Looplab does not provide yet. Use read, write and edit, or ask the person to start the run with --host-exec (each command then needs their approval).',
        ),
      );
    }
    return runOnHost(this.root, command, options);
  }
}

/** What a file tool tells the model when a path cannot be opened. */
export function workspaceError(error: unknown, path: string): unknown {
  if (!(error instanceof InsideError)) return error;
  if (error.code === 'EISDIR') return new WorkspaceError(`${path} is a folder, not a file.`);
  if (error.code === 'ENOENT') return new WorkspaceError(`${path} does not exist.`);
  return new WorkspaceError(error.message.replace(error.path, path));
}

function runOnHost(
  cwd: string,
  command: string,
  options: { timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void },
): Promise<ExecResult> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', ['-c', command], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        // Windows has no process groups: taskkill /T ends the tree instead.
        if (process.platform === 'win32')
          spawn('taskkill', ['/pid', String(child.pid), '/T', '/F']).on('error', () => {});
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // No bash on this machine (Windows without Git Bash, a minimal container): say so instead of crashing.
    child.on('error', (error) => {
      resolvePromise({
        exitCode: null,
        output: `This machine could not start bash (${error.message}). Commands on this machine need bash on PATH; use the Docker sandbox instead, or install bash (Git Bash on Windows).\n`,
        timedOut: false,
      });
    });
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (output.length < OUTPUT_CAP_BYTES) output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    options.signal.addEventListener('abort', killGroup, { once: true });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', killGroup);
      resolvePromise({ exitCode: code, output, timedOut });
    });
  });
}
