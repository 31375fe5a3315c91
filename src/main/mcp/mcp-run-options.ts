// What a run's MCP servers need of the run: where their variables' values are (settings.json, this
// process's environment), when the run's time budget runs out, so a call is cut then, and where their
// questions for the person go (the run's gate; those left open when Looplab stopped are closed first),
// and where their sign-ins are kept (the secret store) and shown (the browser, in the app).
import type { LoopConfig } from '../../shared/loop-config';
import type { HomePaths } from '../home';
import { loadSettings } from '../settings/settings-store';
import type { SecretStore } from '../settings/secret-store';
import type { EventStore } from '../store/event-store';
import { closeOpenElicitations, type ElicitationPort } from './mcp-elicitation';
import type { McpRunOptions } from './mcp-tools';

export function mcpRunOptions(
  app: {
    paths: HomePaths;
    store: Pick<EventStore, 'requireRun' | 'loadEvents'>;
    secrets?: SecretStore | undefined;
    openUrl?: ((url: URL) => Promise<void>) | undefined;
  },
  runId: string,
  config: LoopConfig,
  asking: Omit<ElicitationPort, 'runId'>,
): McpRunOptions {
  const { wallMs } = config.budget;
  const elicitation = { ...asking, runId };
  closeOpenElicitations(elicitation, app.store.loadEvents(runId));
  return {
    elicitation,
    envSources: { settingsServers: settingsServers(app.paths), env: process.env },
    oauth: app.secrets === undefined ? undefined : { secrets: app.secrets, open: app.openUrl },
    deadline: wallMs === undefined ? undefined : app.store.requireRun(runId).createdAt + wallMs,
  };
}

/** settings.json's MCP servers; a broken settings file was reported when the run started. */
function settingsServers(paths: HomePaths) {
  try {
    return loadSettings(paths).mcpServers ?? [];
  } catch {
    return [];
  }
}
