// One shell line on another machine through this machine's OpenSSH client (the arguments sshCommand gives:
// the person's key or agent, the host's key checked against known_hosts), its output collected or
// streamed, its input fed from a stream. Used by the Slurm target's login node and by a remote Docker
// engine's job folders; each says in its own words what a failure means.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface RemoteResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RemoteOptions {
  /** What the command reads on its standard input (a tar of the workspace). */
  stdin?: Readable | undefined;
  /** Each chunk of its output as it comes, instead of collecting it. */
  onStdout?: ((chunk: Buffer) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** `ssh` could not be started here (no OpenSSH client, say). */
export class SshNotStarted extends Error {}

/** The most of a command's output kept (squeue of a big queue is cut, not grown without end). */
const MAX_OUTPUT = 4 * 1024 ** 2;

/**
 * Runs `command` (one shell line, every value in it quoted) with `ssh` and these arguments. Resolves with
 * its exit code (255: SSH itself failed) and output; rejects with SshNotStarted when `ssh` cannot be
 * started, or with the input's error when the input fails.
 */
export function runOverSsh(
  args: readonly string[],
  command: string,
  options: RemoteOptions = {},
): Promise<RemoteResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', [...args, command], {
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const abort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', abort, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (options.onStdout !== undefined) options.onStdout(chunk);
      else if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8000)));
    if (options.stdin !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => undefined); // the far end closing early shows in the exit code
      options.stdin.on('error', (error) => child.kill('SIGTERM') && reject(error));
      options.stdin.pipe(child.stdin);
    }
    child.once('error', (error) => reject(new SshNotStarted(error.message)));
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      resolve({ code: code ?? (signal === null ? 1 : 255), stdout, stderr });
    });
  });
}
