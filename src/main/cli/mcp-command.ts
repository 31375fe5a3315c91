// `looplab mcp login <server>`: signs in to an MCP server of settings.json that asks for it (OAuth), so
// that runs started from the command line or `looplab serve` find the token in the secret store. It
// prints the sign-in page for the person to open, waits for the browser to come back, lists the
// server's tools to show the sign-in worked, and ends the session.
import { Command } from 'commander';
import { AppError } from '../../shared/errors';
import { homePaths } from '../home';
import { homeOf } from './cli-options';

type Write = (text: string) => void;

export function mcpCommand(write: Write): Command {
  const mcp = new Command('mcp').description('MCP servers of settings.json');
  mcp
    .command('login')
    .description('sign in to an MCP server at a URL that asks for it (OAuth); the token is kept in the secret store')
    .argument('<server>', 'the name of the server in settings.json (mcpServers)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const paths = homePaths(homeOf(command));
      const [{ loadSettings }, { headlessSecretStore }, { connectMcpServers }] = await Promise.all([
        import('../settings/settings-store'),
        import('../settings/secret-store'),
        import('../mcp/mcp-tools'),
      ]);
      const servers = loadSettings(paths).mcpServers ?? [];
      const server = servers.find((known) => known.name === name);
      if (server?.transport !== 'http') {
        throw new AppError(
          'invalid_input',
          `settings.json has no MCP server ${name} at a URL.`,
          'Add it under mcpServers with "transport": "http" and its "url", then sign in again.',
        );
      }
      const open = (url: URL) => {
        process.stderr.write(`Open this page to sign in to ${name}, then come back here:\n  ${url.href}\n`);
      };
      const connected = await connectMcpServers([server], {
        envSources: { settingsServers: servers, env: process.env },
        oauth: { secrets: headlessSecretStore(paths), open },
      });
      write(`Signed in to ${name}: ${connected.tools.length} tools.\n`);
      await connected.close();
    });
  return mcp;
}
