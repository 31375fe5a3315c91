// MCP servers' tools for one run: each configured server is started (stdio) or reached (streamable HTTP)
// when the run starts, its tools are listed, and each becomes a tool of the run named
// `mcp__<server>__<tool>`. The server's own JSON schema is what the model sees; the router checks only
// that the arguments are a JSON object and the server validates the rest. A server runs on this machine,
// outside the sandbox, so its tools ask for approval unless a rule allows them (`mcp__<server>__*`).
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { McpServer } from '../../shared/loop-config';
import type { ToolDefinition, ToolOutput } from '../core/tool';
import { McpConnection, type ListedTool } from './mcp-connection';
import { askPerson, type ElicitationPort } from './mcp-elicitation';
import type { EnvSources } from './mcp-env';
import type { McpOAuthPort } from './mcp-oauth';

const MAX_TOOL_NAME = 64;

export interface McpTools {
  tools: readonly ToolDefinition[];
  /** Stops the servers this run started, ends its HTTP sessions and closes its connections. */
  close(): Promise<void>;
}

export interface McpRunOptions {
  /** Where the values of the servers' environment variables are looked up. */
  envSources?: EnvSources;
  /** When the run's time budget runs out (ms since the epoch): a call still running then is cancelled. */
  deadline?: number | undefined;
  /** Where the servers' questions for the person go (the run's approval gate); none are answered without it. */
  elicitation?: ElicitationPort | undefined;
  /** Where HTTP servers' sign-ins (OAuth) are kept and asked for; without it a server asking for one fails. */
  oauth?: McpOAuthPort | undefined;
}

/** The name a server's tool has in the run: `mcp__<server>__<tool>`, in [a-zA-Z0-9_-], at most 64 characters. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_TOOL_NAME);
}

/** Connects to every server, in order; on a failure, closes those already connected and says which failed. */
export async function connectMcpServers(servers: readonly McpServer[], options: McpRunOptions = {}): Promise<McpTools> {
  const connections: McpConnection[] = [];
  const close = async () => {
    await Promise.all(connections.map((connection) => connection.close()));
  };
  const sources = options.envSources ?? { settingsServers: [], env: process.env };
  const tools: ToolDefinition[] = [];
  const origins: Origins = new Map();
  try {
    for (const server of servers) {
      const { elicitation } = options;
      const elicit =
        elicitation === undefined
          ? undefined
          : (params: Parameters<typeof askPerson>[2], signal: AbortSignal) =>
              askPerson(elicitation, server.name, params, signal);
      const { connection, tools: listed } = await McpConnection.open(server, { sources, elicit, oauth: options.oauth });
      connections.push(connection);
      for (const tool of offered(server, listed)) {
        checkUnique(origins, mcpToolName(server.name, tool.name), server, tool);
        tools.push(mcpTool(connection, tool, options.deadline));
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { tools, close };
}

/**
 * The tools a run can use: not those the person excluded, nor those the server runs only as tasks
 * (`execution.taskSupport: "required"`), which a plain call cannot run.
 */
function offered(server: McpServer, listed: readonly ListedTool[]): ListedTool[] {
  const excluded = new Set(server.excludeTools ?? []);
  return listed.filter((tool) => !excluded.has(tool.name) && tool.execution?.taskSupport !== 'required');
}

/** Where each run tool name came from, to say which two tools would share one. */
type Origins = Map<string, { server: string; tool: string }>;

function checkUnique(origins: Origins, name: string, server: McpServer, tool: ListedTool): void {
  const twin = origins.get(name);
  origins.set(name, { server: server.name, tool: tool.name });
  if (twin === undefined) return;
  if (twin.server === server.name) {
    const shorter = name.length === MAX_TOOL_NAME ? ', or give the server a shorter name' : '';
    throw new AppError(
      'invalid_input',
      `The MCP server ${server.name} has two tools that would both be called ${name} in a run: ${JSON.stringify(twin.tool)} and ${JSON.stringify(tool.name)}.`,
      `Leave one out: add "excludeTools": [${JSON.stringify(tool.name)}] to ${server.name} in mcpServers${shorter}.`,
    );
  }
  throw new AppError(
    'invalid_input',
    `Two MCP tools would both be called ${name} (server ${twin.server}, tool ${twin.tool}; server ${server.name}, tool ${tool.name}).`,
    'Give the MCP servers shorter names that differ, so their tools keep names of their own.',
  );
}

function mcpTool(connection: McpConnection, tool: ListedTool, deadline: number | undefined): ToolDefinition {
  const server = connection.server.name;
  return {
    name: mcpToolName(server, tool.name),
    description: `${tool.description ?? tool.name} (tool ${tool.name} of the MCP server ${server})`,
    input: z.record(z.string(), z.unknown()),
    parameters: { ...tool.inputSchema, type: 'object' },
    risk: 'network',
    summarize: (input) => `${server}: ${tool.name} ${JSON.stringify(input)}`,
    async run(input, ctx) {
      const args = input as Record<string, unknown>;
      return resultOutput(await connection.call(tool.name, args, { signal: ctx.signal, deadline }));
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
