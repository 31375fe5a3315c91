// What a run's MCP servers need of the run: where their variables' values are (settings.json, this
// process's environment) and when the run's time budget runs out, so a call is cut then.
import type { LoopConfig } from '../../shared/loop-config';
import type { HomePaths } from '../home';
import { loadSettings } from '../settings/settings-store';
import type { EventStore } from '../store/event-store';
import type { McpRunOptions } from './mcp-tools';

export function mcpRunOptions(
  app: { paths: HomePaths; store: Pick<EventStore, 'requireRun'> },
  runId: string,
  config: LoopConfig,
): McpRunOptions {
  const { wallMs } = config.budget;
  return {
    envSources: { settingsServers: settingsServers(app.paths), env: process.env },
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
