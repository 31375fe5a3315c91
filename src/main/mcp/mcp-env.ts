// The environment an MCP server started on this machine gets, and the headers an HTTP server is sent. A
// run records only the names of its servers' variables and headers (see recordableMcpServers), so the
// values are looked up each time a server starts, a resumed run's too: the values the run was started
// with in this process, else settings.json's server of the same name, else the environment of Looplab
// itself (a header `Authorization` of the server `docs` from `MCP_DOCS_AUTHORIZATION`).
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AppError } from '../../shared/errors';
import type { McpServer } from '../../shared/loop-config';

type StdioServer = Extract<McpServer, { transport: 'stdio' }>;
type HttpServer = Extract<McpServer, { transport: 'http' }>;

export interface EnvSources {
  /** The MCP servers of settings.json, with their values. */
  settingsServers: readonly McpServer[];
  /** Looplab's own environment. */
  env: NodeJS.ProcessEnv;
}

export function serverEnvironment(server: StdioServer, sources: EnvSources): Record<string, string> {
  const names = [...new Set([...Object.keys(server.env ?? {}), ...(server.envNames ?? [])])];
  const configured = sources.settingsServers.find((known) => known.name === server.name);
  const fromSettings = configured?.transport === 'stdio' ? (configured.env ?? {}) : {};
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = server.env?.[name] ?? fromSettings[name] ?? sources.env[name];
    if (value === undefined) {
      throw new AppError(
        'invalid_input',
        `The MCP server ${server.name} needs the variable ${name}, which is not set on this machine (a run records the names of its servers' variables, never their values).`,
        `Set ${name} in the environment, or give it in settings.json under mcpServers → ${server.name} → env.`,
      );
    }
    values[name] = value;
  }
  return { ...getDefaultEnvironment(), ...values };
}

/** The variable of Looplab's environment that gives a server's header: `MCP_<SERVER>_<HEADER>`, in capitals. */
export function headerVariable(server: string, header: string): string {
  return `MCP_${server}_${header}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

export function serverHeaders(server: HttpServer, sources: EnvSources): Record<string, string> {
  const names = [...new Set([...Object.keys(server.headers ?? {}), ...(server.headerNames ?? [])])];
  const configured = sources.settingsServers.find((known) => known.name === server.name);
  const fromSettings = configured?.transport === 'http' ? (configured.headers ?? {}) : {};
  const values: Record<string, string> = {};
  for (const name of names) {
    const variable = headerVariable(server.name, name);
    const value = server.headers?.[name] ?? fromSettings[name] ?? sources.env[variable];
    if (value === undefined) {
      throw new AppError(
        'invalid_input',
        `The MCP server ${server.name} needs the header ${name}, which is not set on this machine (a run records the names of its servers' headers, never their values).`,
        `Give it in settings.json under mcpServers → ${server.name} → headers, or set ${variable} in the environment.`,
      );
    }
    values[name] = value;
  }
  return values;
}
