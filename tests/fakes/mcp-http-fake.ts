// An MCP server over streamable HTTP on 127.0.0.1, in the test's own process, with sessions (so a server
// can ask the client something during a call and read the answer): each request's headers are kept,
// `admit` may refuse a request (a missing key, a missing token), and `routes` answer other paths (an
// authorization server's). The MCP endpoint is `/mcp`.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface FakeRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface McpHttpFakeOptions {
  /** A new MCP server for each session. */
  make(): McpServer;
  /** Whether an MCP request may reach the server; where not, it has answered the request itself. */
  admit?(request: FakeRequest, response: ServerResponse, origin: string): boolean;
  /** Answers a request for another path; false where the path is not one of them (404). */
  routes?(request: FakeRequest, response: ServerResponse, origin: string): boolean;
}

export interface McpHttpFake {
  origin: string;
  url: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function serveMcpHttp(options: McpHttpFakeOptions): Promise<McpHttpFake> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const requests: FakeRequest[] = [];
  let origin = '';
  const server = createServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    incoming.on('end', () => {
      const { pathname: path, searchParams: query } = new URL(incoming.url ?? '/', origin);
      const request: FakeRequest = { method: incoming.method ?? 'GET', path, query, headers: incoming.headers, body };
      requests.push(request);
      if (path !== '/mcp') {
        if (options.routes?.(request, response, origin) !== true) response.writeHead(404).end();
        return;
      }
      if (options.admit !== undefined && !options.admit(request, response, origin)) return;
      const parsed: unknown = body === '' ? undefined : JSON.parse(body);
      const id = incoming.headers['mcp-session-id'];
      const known = typeof id === 'string' ? sessions.get(id) : undefined;
      if (known !== undefined) {
        void known.handleRequest(incoming, response, parsed);
        return;
      }
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (session) => void sessions.set(session, transport),
        onsessionclosed: (session) => void sessions.delete(session),
      });
      void options
        .make()
        .connect(transport)
        .then(() => transport.handleRequest(incoming, response, parsed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/mcp`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
