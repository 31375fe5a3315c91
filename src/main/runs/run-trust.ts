// What a run from elsewhere (imported, or of unknown origin) may do on this machine. Its recording is
// shown, never trusted: it replays in the sandbox, with no network and no MCP servers, unless the person
// grants each at replay time; its recorded evaluation (held-out paths, command) and data paths never
// reach a mount or a shell, only those of a spec found on this machine. A resume or fork of it runs
// under the same confinement.
import type { ReplayPlan } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { LoopConfig, McpServer } from '../../shared/loop-config';
import { networkText, type Network } from '../../shared/network-policy';
import type { RunDeps } from './run-deps';

/** What the person allows a replay of a run from elsewhere: this machine's runtime, network, MCP. */
export interface ReplayGrants {
  host: boolean;
  network: boolean;
  mcp: boolean;
}

export const NO_GRANTS: ReplayGrants = { host: false, network: false, mcp: false };

/** What a recording would run where, as the replay confirmation shows it. */
export interface RecordingNeeds {
  fromElsewhere: boolean;
  /** Whether it came in through `looplab import` (else its origin is unknown), when from elsewhere. */
  imported: boolean;
  runtime: 'sandbox' | 'host';
  network: Network;
  mcpServers: string[];
}

export function describeServer(server: McpServer): string {
  return server.transport === 'stdio'
    ? `${server.name} (${[server.command, ...(server.args ?? [])].join(' ')})`
    : `${server.name} (${server.url})`;
}

export function fromElsewhere(app: Pick<RunDeps, 'store'>, runId: string): boolean {
  return app.store.sources.fromElsewhere(runId);
}

export function recordingNeeds(app: Pick<RunDeps, 'store'>, runId: string, config: LoopConfig): RecordingNeeds {
  return {
    fromElsewhere: fromElsewhere(app, runId),
    imported: app.store.sources.source(runId) === 'import',
    runtime: config.runtime,
    network: config.network,
    mcpServers: (config.mcpServers ?? []).map(describeServer),
  };
}

/** Refuses, naming each flag, a replay of a run from elsewhere that needs what was not granted. */
export function checkGrants(runId: string, needs: RecordingNeeds, grants: ReplayGrants): void {
  if (!needs.fromElsewhere) return;
  const missing: { would: string; flag: string }[] = [];
  if (needs.runtime === 'host' && !grants.host)
    missing.push({
      would: 'run its commands on this machine (it was recorded with runtime host)',
      flag: '--allow-host to run its commands on this machine',
    });
  if (needs.network !== 'none' && !grants.network)
    missing.push({
      would:
        needs.network === 'full'
          ? 'give its sandbox the full network'
          : `let its sandbox reach the hosts of its allow-list (${networkText(needs.network)}), which may name this machine's own services`,
      flag: '--network to give its sandbox the network',
    });
  if (needs.mcpServers.length > 0 && !grants.mcp)
    missing.push({
      would: `start its MCP servers on this machine: ${needs.mcpServers.join(', ')}`,
      flag: '--allow-mcp to start them',
    });
  if (missing.length === 0) return;
  const origin = needs.imported ? 'imported' : 'its origin is unknown';
  throw new AppError(
    'invalid_input',
    `${runId} came from elsewhere (${origin}): replaying it would ${missing.map((item) => item.would).join('; and would ')}. Nothing was replayed.`,
    `A run from elsewhere replays in the sandbox, with no network and no MCP servers. Pass ${missing.map((item) => item.flag).join(', ')}.`,
  );
}

/**
 * The constraints a resume or fork of a run from elsewhere runs under: the sandbox, no network, no MCP
 * servers, and no recorded evaluation (its held-out paths and command came from another machine).
 */
export function confinedConfig(config: LoopConfig): LoopConfig {
  const { evaluation: _evaluation, mcpServers: _servers, ...rest } = config;
  return { ...rest, runtime: 'sandbox', network: 'none' };
}

/** A run's recorded constraints to run again (resume, fork): confined when it came from elsewhere. */
export function trustedConfig(
  app: Pick<RunDeps, 'store'>,
  runId: string,
  config: LoopConfig | undefined,
): LoopConfig | undefined {
  return config !== undefined && fromElsewhere(app, runId) ? confinedConfig(config) : config;
}

/** What a replay of a run would run where, and what the person must grant when it is from elsewhere. */
export function replayPlan(app: Pick<RunDeps, 'store'>, runId: string, config: LoopConfig): ReplayPlan {
  const needs = recordingNeeds(app, runId, config);
  return {
    runId,
    ...needs,
    needs: {
      host: needs.fromElsewhere && needs.runtime === 'host',
      network: needs.fromElsewhere && needs.network !== 'none',
      mcp: needs.fromElsewhere && needs.mcpServers.length > 0,
    },
  };
}
