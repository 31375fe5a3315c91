// The egress gateway (resources/sandbox/egress-gateway.py): one process of this machine's Python for the
// whole app, started with the first allow-list run, that listens on runs' egress sockets and passes the
// bytes of allowed HTTPS tunnels with splice(2), so they never cross this process's memory (where a
// download from a fast server cost half again the bridge network's time). It decides nothing: each
// CONNECT is asked about here, and the answer names the addresses it may use. Where it cannot run (not
// Linux, no Python 3.10, LOOPLAB_EGRESS_GATEWAY=off) the proxy listens on the socket itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { sandboxResourceDir } from './sandbox-resources';

const READY_MS = 5_000;

const Message = z.discriminatedUnion('ev', [
  z.object({ ev: z.literal('ready'), python: z.string() }),
  z.object({ ev: z.literal('listening'), id: z.string() }),
  z.object({ ev: z.literal('failed'), id: z.string(), message: z.string() }),
  z.object({ ev: z.literal('stopped'), id: z.string() }),
  z.object({
    ev: z.literal('ask'),
    conn: z.number().int(),
    id: z.string(),
    host: z.string(),
    port: z.number().int().min(1).max(65_535),
  }),
  z.object({ ev: z.literal('closed'), conn: z.number().int(), out: z.number(), in: z.number() }),
]);
type Message = z.infer<typeof Message>;

/** The addresses a tunnel may connect to, or the refusal the sandbox is sent. */
export type GatewayAnswer = { addresses: string[] } | { status: number; reason: string };

export interface GatewayHandlers {
  ask(conn: number, host: string, port: number): Promise<GatewayAnswer>;
  /** A tunnel asked about has ended, with the bytes the sandbox sent and received. */
  closed(conn: number, bytesOut: number, bytesIn: number): void;
  /** The gateway's process ended while the socket was open: its tunnels are gone, the socket too. */
  lost(): void;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class EgressGateway {
  private readonly listeners = new Map<string, GatewayHandlers>();
  /** Which listener each asked connection came through, until it closes. */
  private readonly conns = new Map<number, GatewayHandlers>();
  private readonly waiting = new Map<string, Waiter>();
  private nextId = 0;
  private ended = false;

  /** The Python version the gateway runs on, once it said it is ready. */
  python = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Starts the gateway, or says why it cannot run here (the proxy then listens itself). */
  static async start(python = process.env.LOOPLAB_PYTHON ?? 'python3'): Promise<EgressGateway | string> {
    const child = spawn(python, ['-I', '-B', join(sandboxResourceDir(), 'egress-gateway.py')], { stdio: 'pipe' });
    const gateway = new EgressGateway(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(`it did not start within ${READY_MS / 1000} s`), READY_MS);
      lines.once('line', (line) => {
        clearTimeout(timer);
        const ready = Message.safeParse(safeJson(line)).data;
        if (ready?.ev === 'ready') gateway.python = ready.python;
        resolve(ready?.ev === 'ready' ? undefined : `it said: ${line}`);
      });
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (code) => resolve(`it exited (${code}): ${stderr.trim()}`));
    });
    const failure = await ready;
    if (failure !== undefined) {
      child.kill();
      return `the egress gateway (${python}) cannot run here: ${failure}`;
    }
    lines.on('line', (line) => gateway.hear(line));
    child.once('exit', () => gateway.end());
    // A write to a gateway that has just ended fails with EPIPE; its exit is handled above.
    child.stdin.on('error', () => undefined);
    // The gateway ends with this process (its stdin closes); it keeps no run waiting.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void }).unref?.();
    return gateway;
  }

  /** Listens on `path`; plain HTTP goes on to the proxy at `http`. Resolves with the listener's id. */
  async listen(path: string, http: string, handlers: GatewayHandlers): Promise<string> {
    const id = `l${++this.nextId}`;
    this.listeners.set(id, handlers);
    try {
      await this.request(id, { op: 'listen', id, path, http });
    } catch (error) {
      this.listeners.delete(id);
      throw error;
    }
    return id;
  }

  /** Stops listening: the socket is removed and the listener's tunnels are closed. */
  async stop(id: string): Promise<void> {
    if (!this.listeners.delete(id) || this.ended) return;
    await this.request(id, { op: 'close', id });
  }

  private request(id: string, message: object): Promise<void> {
    if (this.ended) return Promise.reject(new Error('the egress gateway has ended'));
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send(message);
    });
  }

  private send(message: object): void {
    if (!this.ended) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private hear(line: string): void {
    const parsed = Message.safeParse(safeJson(line));
    if (parsed.success) this.handle(parsed.data);
  }

  private handle(message: Message): void {
    switch (message.ev) {
      case 'listening':
      case 'stopped':
        return this.settle(message.id);
      case 'failed':
        return this.settle(message.id, new Error(message.message));
      case 'ask':
        return this.ask(message.conn, message.id, message.host, message.port);
      case 'closed': {
        const handlers = this.conns.get(message.conn);
        this.conns.delete(message.conn);
        return handlers?.closed(message.conn, message.out, message.in);
      }
      case 'ready':
        return;
    }
  }

  private ask(conn: number, id: string, host: string, port: number): void {
    const handlers = this.listeners.get(id);
    if (handlers === undefined)
      return this.send({ op: 'answer', conn, status: 502, reason: "The run's network has closed." });
    this.conns.set(conn, handlers);
    handlers.ask(conn, host, port).then(
      (answer) => this.send({ op: 'answer', conn, ...answer }),
      (error: unknown) => this.send({ op: 'answer', conn, status: 502, reason: String(error) }),
    );
  }

  private settle(id: string, error?: Error): void {
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (error === undefined) waiter?.resolve();
    else waiter?.reject(error);
  }

  private end(): void {
    this.ended = true;
    if (shared !== undefined && current === this) shared = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(new Error('the egress gateway has ended'));
    this.waiting.clear();
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    this.conns.clear();
    for (const handlers of listeners) handlers.lost();
  }

  /** Ends the process (tests; the app's gateway ends with the app). */
  kill(): void {
    this.child.kill();
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

let shared: Promise<EgressGateway | undefined> | undefined;
let current: EgressGateway | undefined;

/** Why the gateway is not even tried here, or undefined where it may run. */
function notTried(): string | undefined {
  if (process.platform !== 'linux')
    return 'need Docker Engine on Linux (Docker Desktop runs containers in a VM the egress socket cannot reach)';
  if (process.env.LOOPLAB_EGRESS_GATEWAY === 'off')
    return 'downloads copied by the app, slower on fast links (the egress gateway is off: LOOPLAB_EGRESS_GATEWAY=off)';
  return undefined;
}

/** The app's gateway, started on first use; undefined where it cannot run (the proxy listens itself). */
export function egressGateway(): Promise<EgressGateway | undefined> {
  if (notTried() !== undefined) return Promise.resolve(undefined);
  shared ??= EgressGateway.start().then((started) => {
    if (typeof started === 'string') {
      console.warn(`Looplab: ${started}; the egress proxy passes tunnels' bytes itself (slower on fast links).`);
      return undefined;
    }
    current = started;
    return started;
  });
  return shared;
}

/** How an allow-list's downloads pass on this machine, for `looplab sandbox status`. */
export async function egressSummary(): Promise<string> {
  const skipped = notTried();
  if (skipped !== undefined) return skipped;
  const started = await EgressGateway.start();
  if (typeof started === 'string') return `downloads copied by the app, slower on fast links (${started})`;
  started.kill();
  return `downloads pass in the kernel at the bridge network's speed (egress gateway on Python ${started.python})`;
}
