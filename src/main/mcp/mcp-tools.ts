// MCP servers' tools for one run: each configured server is started (stdio) or reached (streamable HTTP)
// when the run starts, its tools are listed, and each becomes a tool of the run named
// `mcp__<server>__<tool>`. The server's own JSON schema is what the model sees; the router checks only
// that the arguments are a JSON object and the server validates the rest. A server runs on this machine,
// outside the sandbox, so its tools ask for approval unless a rule allows them (`mcp__<server>__*`).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { McpServer } from '../../shared/loop-config';
import type { ToolDefinition, ToolOutput } from '../core/tool';
import { appVersion } from '../version';

/** How long a server has to start and answer, and then to list its tools. */
export const MCP_CONNECT_TIMEOUT_MS = 10_000;
/** How long one tool call may take. */
export const MCP_CALL_TIMEOUT_MS = 10 * 60_000;
const MAX_TOOL_NAME = 64;
const STDERR_TAIL_CHARS = 2000;

export interface McpTools {
  tools: readonly ToolDefinition[];
  /** Stops the servers this run started and closes its connections. */
  close(): Promise<void>;
}

/** The name a server's tool has in the run: `mcp__<server>__<tool>`, in [a-zA-Z0-9_-], at most 64 characters. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_TOOL_NAME);
}

/** Connects to every server, in order; on a failure, closes those already connected and says which failed. */
export async function connectMcpServers(
  servers: readonly McpServer[],
  options: { timeoutMs?: number } = {},
): Promise<McpTools> {
  const clients: Client[] = [];
  const close = async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  };
  const tools: ToolDefinition[] = [];
  try {
    for (const server of servers) {
      const { client, listed } = await connect(server, options.timeoutMs ?? MCP_CONNECT_TIMEOUT_MS, clients);
      for (const tool of listed) {
        const definition = mcpTool(client, server.name, tool);
        const twin = tools.find((known) => known.name === definition.name);
        if (twin !== undefined) {
          throw new AppError(
            'invalid_input',
            `Two MCP tools would both be called ${definition.name} (server ${server.name}, tool ${tool.name}).`,
            'Give the MCP servers shorter names that differ, so their tools keep names of their own.',
          );
        }
        tools.push(definition);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { tools, close };
}

interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
}

async function connect(
  server: McpServer,
  timeoutMs: number,
  clients: Client[],
): Promise<{ client: Client; listed: ListedTool[] }> {
  const client = new Client({ name: 'looplab', version: appVersion() });
  let stderr = '';
  let transport: Transport;
  if (server.transport === 'stdio') {
    const stdio = new StdioClientTransport({
      command: server.command,
      args: server.args ?? [],
      env: { ...getDefaultEnvironment(), ...server.env },
      stderr: 'pipe',
    });
    stdio.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    transport = stdio;
  } else {
    transport = new StreamableHTTPClientTransport(new URL(server.url));
  }
  clients.push(client);
  const where = server.transport === 'stdio' ? `command ${server.command}` : server.url;
  try {
    await client.connect(transport, { timeout: timeoutMs });
    const { tools } = await client.listTools(undefined, { timeout: timeoutMs });
    return { client, listed: tools };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const said = stderr.trim() === '' ? '' : ` It said: ${stderr.trim()}`;
    throw new AppError(
      'unavailable',
      `The MCP server ${server.name} (${where}) did not start or answer: ${why}.${said}`,
      server.transport === 'stdio'
        ? `Check that the command runs on this machine and speaks MCP over stdio, or remove ${server.name} from mcpServers.`
        : `Check that the server is running and serves MCP (streamable HTTP) at that URL, or remove ${server.name} from mcpServers.`,
    );
  }
}

function mcpTool(client: Client, server: string, tool: ListedTool): ToolDefinition {
  const name = mcpToolName(server, tool.name);
  return {
    name,
    description: `${tool.description ?? tool.name} (tool ${tool.name} of the MCP server ${server})`,
    input: z.record(z.string(), z.unknown()),
    parameters: { ...tool.inputSchema, type: 'object' },
    risk: 'network',
    summarize: (input) => `${server}: ${tool.name} ${JSON.stringify(input)}`,
    async run(input, ctx) {
      const result = await client.callTool(
        { name: tool.name, arguments: input as Record<string, unknown> },
        undefined,
        { signal: ctx.signal, timeout: MCP_CALL_TIMEOUT_MS },
      );
      return resultOutput(result);
    },
  };
}

const contentSchema = z.array(
  z.looseObject({
    type: z.string(),
    text: z.string().optional(),
    mimeType: z.string().optional(),
    data: z.string().optional(),
    uri: z.string().optional(),
    resource: z.looseObject({ uri: z.string(), text: z.string().optional() }).optional(),
  }),
);

/** The text of a tool's result; images, audio and resources are named, not sent. */
export function resultOutput(result: Record<string, unknown>): ToolOutput {
  const isError = result.isError === true;
  const parsed = contentSchema.safeParse(result.content ?? []);
  const parts = (parsed.success ? parsed.data : []).map((part) => {
    if (part.type === 'text') return part.text ?? '';
    if (part.type === 'resource' && part.resource !== undefined) {
      return part.resource.text ?? `[resource ${part.resource.uri}]`;
    }
    if (part.type === 'resource_link') return `[resource ${part.uri ?? ''}]`;
    const size = part.data === undefined ? '' : `, ${base64Bytes(part.data)} bytes`;
    return `[${part.type}${part.mimeType === undefined ? '' : ` ${part.mimeType}`}${size}, not shown]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) {
    parts.push(JSON.stringify(result.structuredContent));
  }
  if (parts.length === 0 && 'toolResult' in result) parts.push(JSON.stringify(result.toolResult));
  return { output: parts.join('\n'), ...(isError ? { isError: true } : {}) };
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}
