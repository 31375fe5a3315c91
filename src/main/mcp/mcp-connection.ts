// One MCP server of a run: started in a process group of its own (stdio) or reached over streamable
// HTTP, within its startup timeout; its tool calls each bounded by the server's tool timeout, the run's
// time budget and the run's own signal; a lost connection fails the calls waiting on it; at the end the
// HTTP session is ended (DELETE) and a started server is stopped with everything it started.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ElicitRequestSchema,
  ErrorCode,
  McpError,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../../shared/errors';
import type { McpServer } from '../../shared/loop-config';
import { appVersion } from '../version';
import { serverEnvironment, serverHeaders, type EnvSources } from './mcp-env';
import { McpOAuthProvider, type McpOAuthPort } from './mcp-oauth';
import { ProcessGroupTransport } from './process-group-transport';

/** How long a server has by default to start and answer, and then to list its tools. */
export const MCP_STARTUP_TIMEOUT_MS = 30_000;
/** How long one tool call may take by default. */
export const MCP_CALL_TIMEOUT_MS = 10 * 60_000;
/** How long a server that reported a broken stream has to answer a ping before its calls fail. */
const PROBE_TIMEOUT_MS = 5_000;
/** How long ending an HTTP session may take when the run ends. */
const TERMINATE_TIMEOUT_MS = 3_000;
const STDERR_TAIL_CHARS = 2000;

export interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  execution?: { taskSupport?: string | undefined } | undefined;
}

export interface CallBounds {
  /** Aborted when the run is interrupted. */
  signal: AbortSignal;
  /** When the run's time budget runs out (ms since the epoch). */
  deadline?: number | undefined;
}

/** Why a call was cut short; the message is what the model reads. */
class CallCut extends Error {}

/** Answers a server's request for input (form mode); the signal aborts when the request is withdrawn. */
export type Elicit = (params: ElicitRequest['params'], signal: AbortSignal) => Promise<ElicitResult>;

export interface OpenOptions {
  /** Where the values of the server's variables and headers are looked up. */
  sources: EnvSources;
  /** Where a server's questions go; a client without it does not offer to answer any. */
  elicit?: Elicit | undefined;
  /** Where an HTTP server's sign-in (OAuth) is kept and asked for; without it a 401 is an error. */
  oauth?: McpOAuthPort | undefined;
}

type HttpServer = Extract<McpServer, { transport: 'http' }>;

export class McpConnection {
  private readonly calls = new Set<AbortController>();
  /** Aborts the questions still open when the connection closes. */
  private readonly closing = new AbortController();
  private probing = false;

  private constructor(
    readonly server: McpServer,
    private readonly client: Client,
    private http: StreamableHTTPClientTransport | undefined,
  ) {
    // The SDK reports a broken stream here and nowhere else: the call it carried would wait forever.
    client.onerror = (error) => this.checkAlive(error);
  }

  static async open(
    server: McpServer,
    options: OpenOptions,
  ): Promise<{ connection: McpConnection; tools: ListedTool[] }> {
    const { sources, elicit } = options;
    const client = new Client(
      { name: 'looplab', version: appVersion() },
      { capabilities: elicit === undefined ? {} : { elicitation: { form: {} } } },
    );
    let stderr = '';
    const http = server.transport === 'http' ? await httpTransport(server, options) : undefined;
    const transport =
      server.transport === 'http'
        ? http!.transport
        : new ProcessGroupTransport({
            command: server.command,
            args: server.args ?? [],
            env: serverEnvironment(server, sources),
            onStderr: (text) => (stderr = (stderr + text).slice(-STDERR_TAIL_CHARS)),
          });
    const connection = new McpConnection(server, client, http?.transport);
    if (elicit !== undefined) {
      client.setRequestHandler(ElicitRequestSchema, (request, extra) =>
        elicit(request.params, AbortSignal.any([extra.signal, connection.closing.signal])),
      );
    }
    const timeoutMs = (server.startupTimeoutSeconds ?? MCP_STARTUP_TIMEOUT_MS / 1000) * 1000;
    try {
      await connection.connect(transport, timeoutMs, http);
      const { tools } = await client.listTools(undefined, { timeout: timeoutMs });
      return { connection, tools };
    } catch (error) {
      await connection.close();
      throw notStarted(server, error, stderr, timeoutMs);
    } finally {
      await http?.oauth?.done();
    }
  }

  /**
   * Connects; an HTTP server that asks for a sign-in gets the code the person's browser brings back,
   * and is connected to again with the tokens it was traded for.
   */
  private async connect(
    transport: StreamableHTTPClientTransport | ProcessGroupTransport,
    timeoutMs: number,
    http: HttpTransport | undefined,
  ): Promise<void> {
    try {
      await this.client.connect(transport, { timeout: timeoutMs });
    } catch (error) {
      const code = error instanceof UnauthorizedError ? await http?.oauth?.authorizationCode() : undefined;
      if (http === undefined || code === undefined) throw error;
      await http.transport.finishAuth(code);
      this.http = http.again();
      await this.client.connect(this.http, { timeout: timeoutMs });
    }
  }

  /** Calls a tool within the server's timeout, the run's budget and signal, and the connection's life. */
  async call(tool: string, args: Record<string, unknown>, bounds: CallBounds): Promise<Record<string, unknown>> {
    const timeoutS = this.server.toolTimeoutSeconds ?? MCP_CALL_TIMEOUT_MS / 1000;
    const left = bounds.deadline === undefined ? Infinity : bounds.deadline - Date.now();
    if (left <= 0) throw new CallCut(`The run's time budget ran out before ${tool} could be called.`);
    bounds.signal.throwIfAborted();
    // One controller per call: the SDK listens on the signal it is given and never stops listening, so
    // the run's own signal would gather a listener per call and cancel finished requests on Ctrl+C.
    const controller = new AbortController();
    const interrupt = () => controller.abort(bounds.signal.reason);
    bounds.signal.addEventListener('abort', interrupt, { once: true });
    const cut = (message: string) => () => controller.abort(new CallCut(message));
    const timers = [
      setTimeout(
        cut(
          `${this.server.name} did not answer within ${timeoutS} s, so the call was cancelled (toolTimeoutSeconds of ${this.server.name} in mcpServers sets how long a call may take).`,
        ),
        timeoutS * 1000,
      ),
      ...(Number.isFinite(left)
        ? [setTimeout(cut(`The run's time budget ran out during the call, so it was cancelled.`), left)]
        : []),
    ];
    this.calls.add(controller);
    try {
      // The SDK's own timeout only backs ours up.
      return await this.client.callTool({ name: tool, arguments: args }, undefined, {
        signal: controller.signal,
        timeout: timeoutS * 1000 + 60_000,
      });
    } catch (error) {
      if (bounds.signal.aborted) throw bounds.signal.reason;
      const reason: unknown = controller.signal.reason;
      if (reason instanceof CallCut) throw new Error(reason.message, { cause: error });
      // The server's own refusals pass as they are; anything else means the connection failed.
      if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) throw error;
      throw new Error(this.lost(error instanceof Error ? error.message : String(error)), { cause: error });
    } finally {
      for (const timer of timers) clearTimeout(timer);
      bounds.signal.removeEventListener('abort', interrupt);
      this.calls.delete(controller);
    }
  }

  /** Ends the HTTP session (DELETE) or stops the server's process group, then closes the client. */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.http !== undefined) {
      await Promise.race([
        this.http.terminateSession().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, TERMINATE_TIMEOUT_MS).unref()),
      ]);
    }
    await this.client.close().catch(() => undefined);
  }

  private lost(why: string): string {
    return `The connection to the MCP server ${this.server.name} was lost (${why}), so the call cannot finish. Later calls try the server again.`;
  }

  /** After a stream broke: a server that no longer answers a ping fails every call waiting on it. */
  private checkAlive(error: Error): void {
    if (this.calls.size === 0 || this.probing) return;
    this.probing = true;
    this.client
      .ping({ timeout: PROBE_TIMEOUT_MS })
      .catch((failure: unknown) => {
        const why = failure instanceof Error ? failure.message : String(failure);
        const message = this.lost(`${error.message}; then ${why}`);
        for (const call of this.calls) call.abort(new CallCut(message));
      })
      .finally(() => {
        this.probing = false;
      });
  }
}

interface HttpTransport {
  transport: StreamableHTTPClientTransport;
  oauth: McpOAuthProvider | undefined;
  /** A fresh transport to the same server, after a sign-in. */
  again(): StreamableHTTPClientTransport;
}

/** The transport to an HTTP server; one without an Authorization header of its own may sign in. */
async function httpTransport(server: HttpServer, options: OpenOptions): Promise<HttpTransport> {
  const headers = serverHeaders(server, options.sources);
  const keyed = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  const oauth = options.oauth === undefined || keyed ? undefined : await McpOAuthProvider.start(server, options.oauth);
  const again = () =>
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers },
      ...(oauth === undefined ? {} : { authProvider: oauth }),
    });
  return { transport: again(), oauth, again };
}

function notStarted(server: McpServer, error: unknown, stderr: string, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  const why = error instanceof Error ? error.message : String(error);
  const where = server.transport === 'stdio' ? `command ${server.command}` : server.url;
  const said = stderr.trim() === '' ? '' : ` It said: ${stderr.trim()}`;
  const slow = /timed out/i.test(why)
    ? ` It may need longer than ${timeoutMs / 1000} s to start: set startupTimeoutSeconds for ${server.name} in mcpServers.`
    : '';
  return new AppError(
    'unavailable',
    `The MCP server ${server.name} (${where}) did not start or answer: ${why}.${said}`,
    server.transport === 'stdio'
      ? `Check that the command runs on this machine and speaks MCP over stdio, or remove ${server.name} from mcpServers.${slow}`
      : `Check that the server is running and serves MCP (streamable HTTP) at that URL, or remove ${server.name} from mcpServers.${slow}`,
  );
}
