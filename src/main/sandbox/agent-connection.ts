// One live agent inside a container: started with `docker exec` (its source injected on the command line,
// so any image with python3 works), spoken to over the exec's attached stdin and stdout. Requests carry
// ids and may overlap; replies are routed back by id. When the stream ends, every waiting call fails with
// AgentGone and the owner starts a new agent on the next call.
import { Writable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import {
  AGENT_MARKER,
  AGENT_PROTOCOL,
  AgentGone,
  AgentRefusal,
  parseAgentLine,
  type AgentExit,
  type AgentMessage,
  type AgentReply,
  type AgentRequestBody,
} from './agent-protocol';
import { agentSource } from './sandbox-resources';
import { LineSplitter } from './stream-limits';

/** A reply line may hold a whole file read (32 MiB, more once escaped); anything longer is dropped. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;
const STDERR_KEEP = 4000;
const READY_TIMEOUT_MS = 20_000;
/** How long past a command's own timeout the agent may take to report it before it is presumed stuck. */
const WATCHDOG_SLACK_MS = 30_000;

interface Pending {
  onOutput?: (text: string) => void;
  resolve: (reply: AgentReply) => void;
  reject: (error: Error) => void;
}

function sink(write: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      write(chunk);
      done();
    },
  });
}

export class AgentConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private gone: AgentGone | undefined;
  private onReady: ((message: AgentMessage) => void) | undefined;
  private readonly lossListeners: ((error: AgentGone) => void)[] = [];

  private constructor(private readonly stream: Duplex) {}

  /** Starts the agent in a running container and waits for its `ready` line. */
  static async open(docker: Docker, container: Docker.Container): Promise<AgentConnection> {
    const exec = await container.exec({
      Cmd: ['python3', '-u', '-c', agentSource(), AGENT_MARKER],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const connection = new AgentConnection(stream);
    connection.listen(docker);
    await connection.waitReady();
    return connection;
  }

  get alive(): boolean {
    return this.gone === undefined;
  }

  /** Called once when the agent goes away, whatever the cause. */
  onLoss(listener: (error: AgentGone) => void): void {
    this.lossListeners.push(listener);
  }

  private listen(docker: Docker): void {
    const lines = new LineSplitter((line) => this.receive(line), MAX_LINE_BYTES);
    const stdout = sink((chunk) => lines.push(chunk));
    const stderr = sink((chunk) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    docker.modem.demuxStream(this.stream, stdout, stderr);
    this.stream.on('end', () => this.lose('its output stream ended'));
    this.stream.on('close', () => this.lose('its output stream closed'));
    this.stream.on('error', (error: Error) => this.lose(error.message));
  }

  private waitReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        reject(new AgentGone(`the sandbox agent did not start within ${READY_TIMEOUT_MS / 1000} s`));
      }, READY_TIMEOUT_MS);
      this.onLoss((error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.onReady = (message) => {
        clearTimeout(timer);
        if (message.type === 'ready' && message.protocol === AGENT_PROTOCOL) return resolve();
        this.close();
        reject(new AgentGone(`the sandbox agent speaks protocol ${JSON.stringify(message)}, not ${AGENT_PROTOCOL}`));
      };
    });
  }

  private receive(line: string): void {
    const message = parseAgentLine(line);
    if (message === undefined) return;
    if (message.type === 'ready') {
      const onReady = this.onReady;
      this.onReady = undefined;
      onReady?.(message);
      return;
    }
    const pending = message.id === null ? undefined : this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.type === 'output') return pending.onOutput?.(message.data);
    this.pending.delete(message.id!);
    if (message.type === 'error') pending.reject(new AgentRefusal(message.code, message.detail));
    else pending.resolve(message);
  }

  private lose(reason: string): void {
    if (this.gone !== undefined) return;
    const stderr = this.stderrTail.trim();
    this.gone = new AgentGone(stderr === '' ? reason : `${reason}: ${stderr.split('\n').slice(-5).join('\n')}`);
    for (const pending of this.pending.values()) pending.reject(this.gone);
    this.pending.clear();
    for (const listener of this.lossListeners) listener(this.gone);
    this.stream.destroy();
  }

  private request(
    body: AgentRequestBody,
    onOutput?: (text: string) => void,
  ): { id: number; reply: Promise<AgentReply> } {
    const id = this.nextId++;
    const reply = new Promise<AgentReply>((resolve, reject) => {
      if (this.gone !== undefined) return reject(this.gone);
      this.pending.set(id, { resolve, reject, ...(onOutput === undefined ? {} : { onOutput }) });
      this.stream.write(`${JSON.stringify({ id, ...body })}\n`);
    });
    return { id, reply };
  }

  async exec(
    command: string,
    options: { timeoutMs: number; signal: AbortSignal; onOutput: (text: string) => void },
  ): Promise<AgentExit> {
    // Interrupted while the container or the agent was starting: the command never starts (an abort
    // that came before the listener below would never reach it, and the command would run to its end).
    if (options.signal.aborted) return notStarted();
    const { id, reply } = this.request({ op: 'exec', command, timeout_ms: options.timeoutMs }, options.onOutput);
    const cancel = () => this.request({ op: 'cancel', target: id }).reply.catch(() => undefined);
    const watchdog = setTimeout(
      () => this.lose(`the sandbox agent did not finish a command ${WATCHDOG_SLACK_MS / 1000} s past its timeout`),
      options.timeoutMs + WATCHDOG_SLACK_MS,
    );
    options.signal.addEventListener('abort', cancel, { once: true });
    try {
      return expect(await reply, 'exit');
    } finally {
      clearTimeout(watchdog);
      options.signal.removeEventListener('abort', cancel);
    }
  }

  async readFile(path: string, maxBytes: number): Promise<string> {
    return expect(await this.request({ op: 'read', path, max_bytes: maxBytes }).reply, 'file').content;
  }

  async writeFile(path: string, content: string): Promise<void> {
    expect(await this.request({ op: 'write', path, content }).reply, 'done');
  }

  async ping(): Promise<void> {
    expect(await this.request({ op: 'ping' }).reply, 'pong');
  }

  /** Closes the agent's stdin: it kills the commands it started and exits. */
  close(): void {
    if (this.gone !== undefined) return;
    this.stream.end();
    this.lose('it was closed by the app');
  }
}

/** The exit of a command cancelled before it started. */
function notStarted(): AgentExit {
  return { type: 'exit', id: 0, code: null, signal: null, timed_out: false, cancelled: true, oom: false };
}

function expect<T extends AgentReply['type']>(reply: AgentReply, type: T): Extract<AgentReply, { type: T }> {
  if (reply.type !== type) throw new AgentRefusal('bad_request', `expected a ${type} reply, got ${reply.type}`);
  return reply as Extract<AgentReply, { type: T }>;
}
