// What a run needs of the app, declared here so that the application depends on its adapters and not on
// the composition root that builds them (app.ts gives them all): the data folder, the store and its run
// leases, the sandbox, jobs and workspace snapshots, and the secret store. And how each run's events are
// kept free of every secret they know.
import type { LoopConfig, McpServer } from '../../shared/loop-config';
import { RunRecorder } from '../core/recorder';
import { createRedactor, secretsFromEnvNames } from '../core/redact';
import type { HomePaths } from '../home';
import type { GpuInventory } from '../sandbox/gpu-inventory';
import type { JobService } from '../sandbox/jobs';
import type { SandboxManager } from '../sandbox/sandbox-manager';
import type { SecretStore } from '../settings/secret-store';
import { loadSettings } from '../settings/settings-store';
import type { EventStore } from '../store/event-store';
import type { RunOwners } from '../store/run-owners';
import type { WorkspaceSnapshots } from '../store/workspace-snapshots';
import type { GpuLeases } from './gpu-lease';

export interface RunDeps {
  paths: HomePaths;
  store: EventStore;
  /** Which process drives which run: a run is leased while a loop drives it. */
  owners: RunOwners;
  sandbox: SandboxManager;
  /** Runs' training and evaluation jobs, each in a detached container of its own. */
  jobs: JobService;
  /** Snapshots of runs' workspaces, for forks. */
  snapshots: WorkspaceSnapshots;
  /** API keys and tokens; their values are never recorded. */
  secrets?: SecretStore;
  /** Opens a page in the person's browser (an MCP server's sign-in); none in a headless process. */
  openUrl?: ((url: URL) => Promise<void>) | undefined;
  /** This machine's GPUs and which GPU job holds them: a run served by a local Ollama parks meanwhile. */
  gpu?: { leases: GpuLeases; inventory: GpuInventory };
}

/** Where a run's secrets are known: the secret store, and settings.json's MCP servers' variables. */
export type SecretSources = Partial<Pick<RunDeps, 'secrets' | 'paths'>>;

/**
 * What must never be recorded: the values of variables named like secrets (*_API_KEY, *_TOKEN…) in the
 * app's environment and in the run's (its MCP servers', from its config or settings.json), and every key
 * in the secret store (provider keys included).
 */
export function knownSecrets(deps: SecretSources, config?: Pick<LoopConfig, 'mcpServers'>): string[] {
  const servers = [...(config?.mcpServers ?? []), ...settingsMcpServers(deps)];
  const runEnv = servers.flatMap((server) => ('env' in server && server.env !== undefined ? [server.env] : []));
  return [
    ...secretsFromEnvNames(process.env),
    ...runEnv.flatMap((env) => secretsFromEnvNames(env)),
    ...(deps.secrets?.values() ?? []),
  ];
}

/** settings.json's MCP servers, whose variables' values a run's servers get; none when it cannot be read. */
function settingsMcpServers(deps: SecretSources): McpServer[] {
  if (deps.paths === undefined) return [];
  try {
    return loadSettings(deps.paths).mcpServers ?? [];
  } catch {
    return [];
  }
}

/** The recorder of a run: every event it records is redacted with every known secret, then appended. */
export function runRecorder(
  deps: Pick<RunDeps, 'store'> & SecretSources,
  runId: string,
  config?: Pick<LoopConfig, 'mcpServers'>,
): RunRecorder {
  return new RunRecorder(deps.store, runId, createRedactor(knownSecrets(deps, config)));
}

/** A goal as it may be recorded: secrets a person pasted into it are removed. */
export function recordableGoal(goal: string, deps: Pick<SecretSources, 'secrets'> = {}): string {
  return createRedactor(knownSecrets(deps)).text(goal);
}
