// The web bridge behind `looplab serve`: the same contract as Electron's IPC, over HTTP on 127.0.0.1.
// POST /api/call/<channel> answers a request; GET /api/events is a server-sent event stream of pushes.
// Every API call needs the per-session token, and the Host header must name this server, so neither
// another site in the person's browser nor a DNS-rebinding page can drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runFileSchema, type ApiResult } from '../../shared/contract';
import { AppError, type ErrorInfo } from '../../shared/errors';
import { dispatch, type Handlers } from '../api/handlers';
import type { PushSource } from '../api/push';
import { readStatic } from './static-files';

export const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export interface WebServerOptions {
  handlers: Handlers;
  pushes: PushSource;
  rendererDir: string;
  port?: number;
  token?: string;
  /**
   * A run's file to download, by its workspace path, opened (only inside that run's workspace, never
   * through a link: else it throws); the server reads and closes the descriptor.
   */
  runFile?: (runId: string, path: string) => { fd: number; path: string; bytes: number };
}

export interface WebServer {
  url: string;
  /** The URL to open: it carries the session token in its fragment, which never reaches a log. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const streams = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, failure('internal', errorMessage(error)));
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!hostAllowed(request.headers.host, port())) {
      sendJson(
        response,
        421,
        failure('invalid_input', 'This server only answers requests addressed to 127.0.0.1 or localhost.'),
      );
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (!authorized(request, url, token)) {
        sendJson(
          response,
          401,
          failure('invalid_input', 'Missing or wrong session token.', 'Open the link that `looplab serve` printed.'),
        );
        return;
      }
      if (url.pathname === '/api/events' && request.method === 'GET') return openStream(response);
      const channel = /^\/api\/call\/([a-z.]+)$/.exec(url.pathname)?.[1];
      if (channel !== undefined && request.method === 'POST') return answer(request, response, channel);
      const fileRun = /^\/api\/files\/([^/]+)$/.exec(url.pathname)?.[1];
      if (fileRun !== undefined && request.method === 'GET') return download(response, fileRun, url);
      sendJson(response, 404, failure('not_found', `No API route ${request.method} ${url.pathname}.`));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, failure('invalid_input', `${request.method} is not allowed here.`));
      return;
    }
    const file = await readStatic(options.rendererDir, url.pathname);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders });
      response.end('The UI is not built. Run `looplab serve` again, or `npm run build`.');
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache', ...securityHeaders });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  async function answer(request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
    const body = await readBody(request);
    if (body === undefined) {
      sendJson(response, 413, failure('invalid_input', `The request body is over ${MAX_BODY_BYTES} bytes.`));
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      sendJson(response, 400, failure('invalid_input', 'The request body is not valid JSON.'));
      return;
    }
    const result = await dispatch(options.handlers, channel, input);
    sendJson(response, 200, result);
  }

  /** Sends a run's file as an attachment (never rendered by the browser), after the same path check. */
  async function download(response: ServerResponse, runId: string, url: URL): Promise<void> {
    const input = runFileSchema.safeParse({ runId, path: url.searchParams.get('path') ?? '' });
    if (!input.success || options.runFile === undefined) {
      sendJson(response, 400, failure('invalid_input', 'A download names a run and a file path inside its workspace.'));
      return;
    }
    let file: ReturnType<NonNullable<WebServerOptions['runFile']>>;
    try {
      file = options.runFile(input.data.runId, input.data.path);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      sendJson(response, error.code === 'not_found' ? 404 : 400, { ok: false, error: error.toInfo() });
      return;
    }
    const name = file.path.split('/').at(-1) ?? 'file';
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.bytes),
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'no-store',
      ...securityHeaders,
    });
    if (file.bytes === 0) {
      closeSync(file.fd);
      response.end();
      return;
    }
    // No more than the size announced, should the file grow meanwhile.
    const stream = createReadStream('', { fd: file.fd, start: 0, end: file.bytes - 1 });
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }

  function openStream(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...securityHeaders,
    });
    response.write(': connected\n\n');
    streams.add(response);
    response.on('close', () => streams.delete(response));
  }

  const unsubscribe = options.pushes.subscribe((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await listen(server, options.port ?? 0);
  const port = (): number => (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port()}`;
  return {
    url,
    openUrl: `${url}/#token=${token}`,
    port: port(),
    token,
    close: async () => {
      unsubscribe();
      clearInterval(heartbeat);
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? ` Port ${port} is taken: choose another with --port.` : '';
      reject(new Error(`Cannot listen on 127.0.0.1:${port}: ${error.message}.${hint}`, { cause: error }));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function authorized(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end and dropped, so the client gets the 413 rather than a reset.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function failure(code: ErrorInfo['code'], message: string, hint?: string): ApiResult<never> {
  return { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...securityHeaders });
  response.end(JSON.stringify(body));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
