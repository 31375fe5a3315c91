// An MCP server over streamable HTTP with sessions, in a process of its own so a test can kill it
// mid-call: the calc tools, `wait {seconds}` (answers after that long, or never when cancelled first),
// `task_only` (listed as task-required) and, where MCP_TWIN_TOOLS is set, two tools whose names differ
// only by a dot. Every message and HTTP method it receives is appended to MCP_LOG_FILE as a JSON line,
// so a test can read what the client sent. Prints `listening <port>` once it listens.
// Run it with tsx: `tsx tests/fakes/mcp-http-server.ts`.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createCalcServer } from './mcp-server';

const logFile = process.env.MCP_LOG_FILE;
const log = (entry: Record<string, unknown>) => {
  if (logFile !== undefined) appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
};

function createServerWithWait() {
  const server = createCalcServer();
  server.server.registerCapabilities({ logging: {} });
  server.registerTool(
    'wait',
    { description: 'Answers after the given number of seconds.', inputSchema: { seconds: z.number() } },
    async ({ seconds }, extra) => {
      // A first message on the call's stream, as a server reporting progress sends: the client now
      // waits on an open stream, which breaks when the server dies.
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'waiting' } });
      log({ http: 'none', session: null, message: { method: 'wait/streaming' } });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, seconds * 1000);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: `waited ${seconds} s` }] };
    },
  );
  // As a server built with the SDK's tasks API lists a tool that runs only as a task.
  const taskOnly = server.registerTool('task_only', { description: 'Runs only as a task.' }, () => ({
    content: [{ type: 'text', text: 'should not be called without a task' }],
  }));
  taskOnly.execution = { taskSupport: 'required' };
  if (process.env.MCP_TWIN_TOOLS !== undefined) {
    server.registerTool('read.file', { description: 'One.' }, () => ({ content: [{ type: 'text', text: '1' }] }));
    server.registerTool('read_file', { description: 'Two.' }, () => ({ content: [{ type: 'text', text: '2' }] }));
  }
  return server;
}

const sessions = new Map<string, StreamableHTTPServerTransport>();

const http = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    const parsed: unknown = body === '' ? undefined : JSON.parse(body);
    log({ http: request.method, session: request.headers['mcp-session-id'] ?? null, message: parsed ?? null });
    const id = request.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known !== undefined) {
      void known.handleRequest(request, response, parsed);
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (session) => void sessions.set(session, transport),
      onsessionclosed: (session) => void sessions.delete(session),
    });
    void createServerWithWait()
      .connect(transport)
      .then(() => transport.handleRequest(request, response, parsed));
  });
});

http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(http.address() as AddressInfo).port}\n`);
});
