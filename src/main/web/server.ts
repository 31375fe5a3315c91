// The web bridge behind `looplab serve`: the same contract as Electron's IPC, over HTTP on 127.0.0.1.
// POST /api/call/<channel> answers a request (api-call.ts); GET /api/events is a server-sent event stream
// of pushes (push-streams.ts); GET /api/files/<run> downloads a run's file (run-download.ts). Every API
// call needs the per-session token, and the Host header must name this server, so neither another site
// in the person's browser nor a DNS-rebinding page can drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handlers } from '../api/handlers';
import type { PushSource } from '../api/push';
import { answerCall } from './api-call';
import { pushStreams, type PushStreams } from './push-streams';
import { errorMessage, failure, securityHeaders, sendJson } from './replies';
import { sendRunFile, type RunFileOpener } from './run-download';
import { readStatic } from './static-files';

export interface WebServerOptions {
  handlers: Handlers;
  pushes: PushSource;
  rendererDir: string;
  port?: number;
  token?: string;
  runFile?: RunFileOpener;
}

export interface WebServer {
  url: string;
  /** The URL to open: it carries the session token in its fragment, which never reaches a log. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** What a request is answered with: the server's options, its token and port, its open event streams. */
interface Site {
  options: WebServerOptions;
  token: string;
  port(): number;
  streams: PushStreams;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const server = createServer((request, response) => {
    void route(site, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, failure('internal', errorMessage(error)));
      else response.end();
    });
  });
  const streams = pushStreams(options.pushes);
  const port = (): number => (server.address() as AddressInfo).port;
  const site: Site = { options, token, port, streams };

  await listen(server, options.port ?? 0);
  const url = `http://127.0.0.1:${port()}`;
  return {
    url,
    openUrl: `${url}/#token=${token}`,
    port: port(),
    token,
    close: async () => {
      streams.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(site: Site, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (!hostAllowed(request.headers.host, site.port())) {
    sendJson(
      response,
      421,
      failure('invalid_input', 'This server only answers requests addressed to 127.0.0.1 or localhost.'),
    );
    return;
  }
  if (url.pathname.startsWith('/api/')) return routeApi(site, request, response, url);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, failure('invalid_input', `${request.method} is not allowed here.`));
    return;
  }
  const file = await readStatic(site.options.rendererDir, url.pathname);
  if (file === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders });
    response.end('The UI is not built. Run `looplab serve` again, or `npm run build`.');
    return;
  }
  response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache', ...securityHeaders });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

async function routeApi(site: Site, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  if (!authorized(request, url, site.token)) {
    sendJson(
      response,
      401,
      failure('invalid_input', 'Missing or wrong session token.', 'Open the link that `looplab serve` printed.'),
    );
    return;
  }
  if (url.pathname === '/api/events' && request.method === 'GET') return site.streams.open(response);
  const channel = /^\/api\/call\/([a-z.]+)$/.exec(url.pathname)?.[1];
  if (channel !== undefined && request.method === 'POST')
    return answerCall(site.options.handlers, request, response, channel);
  const fileRun = /^\/api\/files\/([^/]+)$/.exec(url.pathname)?.[1];
  if (fileRun !== undefined && request.method === 'GET')
    return sendRunFile(response, site.options.runFile, fileRun, url);
  sendJson(response, 404, failure('not_found', `No API route ${request.method} ${url.pathname}.`));
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
