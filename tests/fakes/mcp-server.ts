// A small MCP server over stdio, built with the SDK's McpServer, as a person would configure one:
// `calc` with `add {a, b}`, `shout {text}` and `fail` (a tool that reports an error).
// Run it with tsx: `tsx tests/fakes/mcp-server.ts`.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

export function createCalcServer(): McpServer {
  const server = new McpServer({ name: 'calc', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  server.registerTool(
    'shout',
    { description: 'Says the text in capitals.', inputSchema: { text: z.string() } },
    ({ text }) => ({
      content: [
        { type: 'text', text: text.toUpperCase() },
        { type: 'image', data: Buffer.from('not really a png').toString('base64'), mimeType: 'image/png' },
      ],
    }),
  );
  server.registerTool('fail', { description: 'Always fails.' }, () => ({
    content: [{ type: 'text', text: 'the calculator is out of order' }],
    isError: true,
  }));
  return server;
}

if (process.argv[1]?.endsWith('mcp-server.ts') === true) {
  // Where the test asks, the server says which process it is, so the test can see it stopped.
  if (process.env.MCP_PID_FILE !== undefined) writeFileSync(process.env.MCP_PID_FILE, String(process.pid));
  // Where asked, the server starts a process of its own (as `npx` starts node), which outlives it unless
  // its whole process group is stopped; its pid goes to the file named.
  if (process.env.MCP_GRANDCHILD_PID_FILE !== undefined) {
    const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    writeFileSync(process.env.MCP_GRANDCHILD_PID_FILE, String(child.pid));
  }
  // Where asked, the value of a variable the server was given, so a test can see it arrived.
  if (process.env.MCP_ECHO_FILE !== undefined)
    writeFileSync(process.env.MCP_ECHO_FILE, process.env.MCP_SECRET_TOKEN ?? '');
  await createCalcServer().connect(new StdioServerTransport());
}
