// The stdio transport of an MCP server started on this machine, in a process group of its own. The
// SDK's StdioClientTransport stops only the process it started, so what that process started in turn
// (`npx` starting node, a wrapper script starting the server) was left running. Here the server leads
// its own group and stopping it signals the whole group: stdin closed, then SIGTERM, then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** How long the server has to exit after its stdin closes, and then after SIGTERM. */
const EXIT_GRACE_MS = 2000;
const GROUP_POLL_MS = 50;

export interface ProcessGroupOptions {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  /** Where what the server writes on stderr goes (the last lines explain a failed start). */
  onStderr(text: string): void;
}

export class ProcessGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ProcessGroupOptions) {}

  /** The server's process id, which is also its process group's id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child !== undefined) throw new Error('This MCP server was already started.');
    const child = spawn(this.options.command, [...this.options.args], {
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group (the group id is its pid), so it can be stopped with all it started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.options.onStderr(chunk.toString('utf8')));
    child.stdin.on('error', (error) => this.onerror?.(error));
    child.on('close', () => {
      this.child = undefined;
      this.onclose?.();
    });
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (stdin === undefined || stdin === null || stdin.destroyed) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Stops the server and everything in its process group; resolves once the group is empty. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private receive(chunk: Buffer): void {
    this.buffer.append(chunk);
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private async stop(): Promise<void> {
    const child = this.child;
    const group = child?.pid;
    if (child === undefined || group === undefined) return;
    child.stdin?.end();
    if (!(await groupGone(group, child, EXIT_GRACE_MS))) {
      signalGroup(group, child, 'SIGTERM');
      if (!(await groupGone(group, child, EXIT_GRACE_MS))) signalGroup(group, child, 'SIGKILL');
    }
    // The leader may have exited on its own and left children behind in its group.
    signalGroup(group, child, 'SIGKILL');
    await groupGone(group, child, EXIT_GRACE_MS);
    this.buffer.clear();
  }
}

function signalGroup(group: number, child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-group, signal);
  } catch {
    // The group is empty already.
  }
}

function groupAlive(group: number, child: ChildProcess): boolean {
  if (process.platform === 'win32') return child.exitCode === null && child.signalCode === null;
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `ms` for every process of the group to exit; true when none is left. */
async function groupGone(group: number, child: ChildProcess, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += GROUP_POLL_MS) {
    if (!groupAlive(group, child)) return true;
    await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
  }
  return !groupAlive(group, child);
}
