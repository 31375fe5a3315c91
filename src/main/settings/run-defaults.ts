// What a new run takes from settings.json when the person (the start form, the command line) does not
// say: the model, the step limit, the budgets, the network, the default approval rules, which come
// after the run's own (first match wins), and the MCP servers, after the run's own. The order, highest first: what is given for the run, an
// environment variable (LOOPLAB_MODEL), settings.json, the built-in default.
import type { ApprovalRule, Budget, McpServer } from '../../shared/loop-config';
import type { Settings } from '../../shared/settings';
import type { SandboxLimits } from '../sandbox/container-spec';
import type { Network } from '../../shared/network-policy';

export interface GivenConfig {
  maxSteps?: number | undefined;
  rules?: readonly ApprovalRule[] | undefined;
  budget?: Budget | undefined;
  runtime?: 'sandbox' | 'host' | undefined;
  network?: Network | undefined;
}

export function defaultModel(settings: Settings, env: NodeJS.ProcessEnv = process.env): string {
  return env.LOOPLAB_MODEL === undefined || env.LOOPLAB_MODEL === '' ? settings.defaultModel : env.LOOPLAB_MODEL;
}

/** A run's config before validation: what was given, filled from settings. */
export function configWithDefaults(settings: Settings, given: GivenConfig): Record<string, unknown> {
  const budget: Budget = {};
  if (settings.budget.tokens !== undefined) budget.tokens = settings.budget.tokens;
  if (settings.budget.costUsd !== undefined) budget.costUsd = settings.budget.costUsd;
  for (const [key, value] of Object.entries(given.budget ?? {})) {
    if (value !== undefined) budget[key as keyof Budget] = value;
  }
  const config: Record<string, unknown> = {
    rules: [...(given.rules ?? []), ...settings.rules],
    budget,
    network: given.network ?? settings.sandbox.network,
  };
  const maxSteps = given.maxSteps ?? settings.budget.maxSteps;
  if (maxSteps !== undefined) config.maxSteps = maxSteps;
  if (given.runtime !== undefined) config.runtime = given.runtime;
  const mcpServers = withDefaultMcpServers(settings, undefined);
  if (mcpServers !== undefined) config.mcpServers = mcpServers;
  return config;
}

/** A run's MCP servers: its own, then those of settings.json whose names it does not use. */
export function withDefaultMcpServers(
  settings: { mcpServers?: readonly McpServer[] | undefined },
  own: readonly McpServer[] | undefined,
): McpServer[] | undefined {
  const taken = new Set((own ?? []).map((server) => server.name));
  const servers = [...(own ?? []), ...(settings.mcpServers ?? []).filter((server) => !taken.has(server.name))];
  return servers.length === 0 ? undefined : servers;
}

/** The sandbox limits settings.json sets; the rest keep their built-in values. */
export function sandboxLimits(settings: Settings): Partial<SandboxLimits> {
  const { cpus, memoryMb, pids } = settings.sandbox;
  return {
    ...(cpus === undefined ? {} : { cpus }),
    ...(memoryMb === undefined ? {} : { memoryBytes: memoryMb * 1024 * 1024 }),
    ...(pids === undefined ? {} : { pids }),
  };
}
