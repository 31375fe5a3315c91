// Builds the loop for one run of a data folder, the same way for every host (the CLI, the app): its
// workspace folder, the built-in and job tools, the system prompt and the model's price.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import { withLimits, type Budget, type LoopConfig, type McpServer } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';
import type { App } from '../app';
import { EvaluationGate, type RunnableLoop } from '../core/evaluation-gate';
import { AgentLoop, type LoopCheck, type LoopProgress } from '../core/loop';
import { systemClock, type ApprovalGate } from '../core/ports';
import { RunRecorder, type Recorder } from '../core/recorder';
import type { ToolDefinition, Workspace } from '../core/tool';
import { createRedactor, secretsFromEnvNames } from '../core/redact';
import { SYSTEM_PROMPT } from '../core/system-prompt';
import { checkHeldOut, SandboxEvaluator } from '../sandbox/evaluation';
import { metricsSource } from '../sandbox/sandbox-resources';
import { evaluateTool } from '../tools/evaluate';
import { builtinTools } from '../tools';
import { FolderWorkspace } from '../tools/folder-workspace';
import { HubClient } from '../hub/hub-client';
import { DEFAULT_HUB_URL, hubEndpoint } from '../hub/hub-endpoint';
import { connectMcpServers } from '../mcp/mcp-tools';
import { mcpRunOptions } from '../mcp/mcp-run-options';
import { loadSettings } from '../settings/settings-store';
import { dataInspectTool } from '../tools/data-inspect';
import { createHubTools, DEFAULT_MAX_DOWNLOAD_BYTES } from '../tools/hub-tools';
import { createJobTools } from '../tools/job-tools';
import type { ModelResolver, ReadyModel } from './readiness';
import { trustedConfig } from './run-trust';

/** What a run needs of the app: its data folder, store, run leases, sandbox and jobs. */
export type RunHost = Pick<App, 'paths' | 'store' | 'owners' | 'sandbox' | 'jobs' | 'snapshots'> &
  Partial<Pick<App, 'secrets'>>;

/**
 * What must never be recorded: the values of variables named like secrets (*_API_KEY, *_TOKEN…) in the
 * app's environment and in the run's (its MCP servers', from its config or settings.json), and every key
 * in the secret store (provider keys included).
 */
export function knownSecrets(
  app: Partial<Pick<App, 'secrets' | 'paths'>>,
  config?: Pick<LoopConfig, 'mcpServers'>,
): string[] {
  const servers = [...(config?.mcpServers ?? []), ...settingsMcpServers(app)];
  const runEnv = servers.flatMap((server) => ('env' in server && server.env !== undefined ? [server.env] : []));
  return [
    ...secretsFromEnvNames(process.env),
    ...runEnv.flatMap((env) => secretsFromEnvNames(env)),
    ...(app.secrets?.values() ?? []),
  ];
}

/** settings.json's MCP servers, whose variables' values a run's servers get; none when it cannot be read. */
function settingsMcpServers(app: Partial<Pick<App, 'paths'>>): McpServer[] {
  if (app.paths === undefined) return [];
  try {
    return loadSettings(app.paths).mcpServers ?? [];
  } catch {
    return [];
  }
}

/** The recorder of a run: every event it records is redacted with every known secret, then appended. */
export function runRecorder(
  app: Pick<RunHost, 'store'> & Partial<Pick<App, 'secrets' | 'paths'>>,
  runId: string,
  config?: Pick<LoopConfig, 'mcpServers'>,
): RunRecorder {
  return new RunRecorder(app.store, runId, createRedactor(knownSecrets(app, config)));
}

export interface RunLoopOptions {
  app: RunHost;
  runId: string;
  model: ReadyModel;
  models: ModelResolver;
  config: LoopConfig;
  gate: ApprovalGate;
  onProgress?: (progress: LoopProgress) => void;
  /** The Hub's URL from the person's settings; else HF_ENDPOINT, else huggingface.co. */
  hubUrl?: string | undefined;
  /** The cost of a model turn, where it is not the model's price (a replay's recorded cost). */
  price?: (usage: { inputTokens: number; outputTokens: number }) => number;
  /** Judges the run as it goes (a replay's comparison with its recording). */
  check?: LoopCheck;
}

/** The options of one loop: the run's recorder, and the tools of its MCP servers once they are connected. */
type LoopOptions = RunLoopOptions & { recorder: Recorder; mcpTools?: readonly ToolDefinition[] };

export function workspaceDir(app: RunHost, runId: string): string {
  const dir = join(app.paths.workspaces, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Commands and files go through the run's sandbox container, or this machine's folder for host runs. */
function runWorkspace(app: RunHost, runId: string, config: LoopConfig): Workspace {
  const workspaceFolder = workspaceDir(app, runId);
  if (config.runtime === 'host') return new FolderWorkspace(workspaceFolder, { hostExec: true });
  return app.sandbox.workspace(runId, { workspaceFolder, network: sandboxNetwork(config) });
}

/**
 * The Hub's URL when the person set one in settings.json (the public hub is its default, and then
 * HF_ENDPOINT still decides); a broken settings file was reported when the run started.
 */
function settingsHubUrl(app: RunHost): string | undefined {
  try {
    const { hubUrl } = loadSettings(app.paths).providers.huggingFace;
    return hubUrl.replace(/\/+$/, '') === DEFAULT_HUB_URL ? undefined : hubUrl;
  } catch {
    return undefined;
  }
}

/**
 * The built-in tools, the research and data tools (the Hub, asked from this machine; downloads land in
 * the workspace folder, which data_inspect reads), and where the run has the sandbox the job tools (jobs
 * run in containers) and `evaluate` (scored in an evaluation container).
 */
function runTools(
  app: RunHost,
  runId: string,
  config: LoopConfig,
  hubUrl: string | undefined,
  mcpTools: readonly ToolDefinition[] = [],
): readonly ToolDefinition[] {
  return [...hostTools(app, runId, config, hubUrl), ...mcpTools];
}

function hostTools(
  app: RunHost,
  runId: string,
  config: LoopConfig,
  hubUrl: string | undefined,
): readonly ToolDefinition[] {
  const workspaceFolder = workspaceDir(app, runId);
  const endpoint = hubEndpoint(hubUrl ?? settingsHubUrl(app), process.env, app.secrets?.get('hf'));
  const client = new HubClient({ endpoint, cacheFolder: app.paths.hubCache });
  const research = [
    ...createHubTools({ client, workspaceFolder, maxDownloadBytes: DEFAULT_MAX_DOWNLOAD_BYTES }),
    dataInspectTool(workspaceFolder),
  ];
  if (config.runtime === 'host') return [...builtinTools, ...research];
  const target = { runId, workspaceFolder, network: sandboxNetwork(config) };
  const evaluate = evaluateTool({
    runner: new SandboxEvaluator(app.sandbox, workspaceFolder, runId),
    script: metricsSource,
    heldOut: config.evaluation?.heldOut ?? [],
  });
  return [...builtinTools, ...research, ...createJobTools(app.jobs, target), evaluate];
}

function sandboxNetwork(config: LoopConfig): 'bridge' | 'none' {
  return config.network === 'full' ? 'bridge' : 'none';
}

/**
 * The constraints a run really gets: on this machine's runtime every command asks first, whatever
 * the other rules say.
 */
export function effectiveConfig(config: LoopConfig): LoopConfig {
  if (config.runtime !== 'host') return config;
  return { ...config, rules: [{ tool: 'bash', action: 'ask' }, ...config.rules] };
}

/** Says clearly, before a run starts, when its sandbox cannot work here (no Docker, no image). */
export async function checkRuntime(app: RunHost, config: LoopConfig): Promise<void> {
  if (config.runtime === 'host' && config.evaluation !== undefined) {
    throw new AppError(
      'invalid_input',
      'An evaluation gate needs the sandbox: on this machine the agent could read the held-out files.',
      'Run the spec in the sandbox (remove runtime: host from the spec).',
    );
  }
  if (config.runtime === 'host') return;
  if (config.evaluation !== undefined) checkHeldOut(config.evaluation.heldOut);
  try {
    await app.sandbox.check();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const hint = `${error.hint ?? ''}${error.hint === undefined ? '' : ' '}Or run on this machine instead (--host-exec; every command then asks for approval).`;
    throw new AppError(error.code, `The sandbox cannot run: ${error.message}`, hint);
  }
}

/**
 * The run's loop: the agent loop, behind the evaluation gate when the run's spec has one. With MCP
 * servers, the loop connects to them when it starts running (connecting is asynchronous, and every host
 * builds the loop synchronously and then runs it), and closes them when the run ends; a server that
 * cannot be reached fails the run, with the reason recorded.
 */
export function createRunLoop(runOptions: RunLoopOptions): RunnableLoop {
  const recorder = runRecorder(runOptions.app, runOptions.runId, runOptions.config);
  if (runOptions.onProgress !== undefined) recorder.watch(runOptions.onProgress);
  const options: LoopOptions = { ...runOptions, recorder };
  const loop = mcpLoop(options);
  return {
    // The outcome is printed and shown as well as recorded: its reason is redacted like the record.
    run: async (signal) => {
      const outcome = await loop.run(signal);
      return outcome.reason === null ? outcome : { ...outcome, reason: recorder.redactor.text(outcome.reason) };
    },
  };
}

function mcpLoop(options: LoopOptions): RunnableLoop {
  const servers = options.config.mcpServers ?? [];
  if (servers.length === 0) return gatedLoop(options);
  return {
    async run(signal) {
      let mcp: Awaited<ReturnType<typeof connectMcpServers>>;
      try {
        mcp = await connectMcpServers(servers, mcpRunOptions(options.app, options.runId, options.config));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const reason = error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
        options.recorder.record([{ type: 'run.status', payload: { status: 'failed', reason } }]);
        return { status: 'failed', reason };
      }
      try {
        return await gatedLoop({ ...options, mcpTools: mcp.tools }).run(signal);
      } finally {
        await mcp.close();
      }
    },
  };
}

function gatedLoop(options: LoopOptions): RunnableLoop {
  const { evaluation } = options.config;
  if (evaluation === undefined || options.config.runtime === 'host') return agentLoop(options);
  const { app, runId } = options;
  return new EvaluationGate(
    {
      log: app.store,
      evaluation,
      evaluator: new SandboxEvaluator(app.sandbox, workspaceDir(app, runId), runId),
      newLoop: () => agentLoop(options),
      recorder: options.recorder,
    },
    runId,
  );
}

function agentLoop(options: LoopOptions): AgentLoop {
  const { app, runId, model } = options;
  return new AgentLoop(
    {
      log: app.store,
      provider: model.provider,
      modelName: model.name,
      model: model.model,
      modelInfo: model.info,
      tools: runTools(app, runId, options.config, options.hubUrl, options.mcpTools),
      workspace: runWorkspace(app, runId, options.config),
      gate: options.gate,
      systemPrompt: SYSTEM_PROMPT,
      price: options.price ?? ((usage) => options.models.price(model.name, usage)),
      clock: systemClock,
      recorder: options.recorder,
      snapshots: { capture: (origin) => app.snapshots.capture(runId, workspaceDir(app, runId), origin) },
      ...(options.check === undefined ? {} : { check: options.check }),
    },
    runId,
    effectiveConfig(options.config),
  );
}

/** The run and the constraints it was started with, when it can be resumed. */
export function resumable(app: RunHost, runId: string): { run: RunSummary; config: LoopConfig | undefined } {
  const run = app.store.requireRun(runId);
  const owner = app.owners.liveOwner(runId);
  // A lease of this very process is stale: it could not be released when its data folder failed.
  if (owner !== undefined && owner !== process.pid) {
    throw new AppError(
      'conflict',
      `${runId} is being driven by process ${owner}.`,
      'Wait for it, or stop that process first.',
    );
  }
  if (run.status === 'finished') {
    throw new AppError(
      'conflict',
      `${runId} has finished; there is nothing to resume.`,
      'Start a new run, or fork this one.',
    );
  }
  // A run from elsewhere goes on in the sandbox only, without its recorded evaluation or MCP servers.
  return { run, config: trustedConfig(app, runId, recordedConfig(app.store.loadEvents(runId))) };
}

/**
 * The run's constraints as recorded: those it started with, with any limits raised on a resume and
 * any rules the person added (first, newest first).
 */
export function recordedConfig(events: readonly RunEvent[]): LoopConfig | undefined {
  const created = events.find((event) => event.type === 'run.created');
  if (created?.type !== 'run.created' || created.payload.config === undefined) return undefined;
  let config = created.payload.config;
  for (const event of events) {
    if (event.type === 'run.limits') config = withLimits(config, event.payload);
    if (event.type === 'run.rule') config = { ...config, rules: [event.payload.rule, ...config.rules] };
  }
  return config;
}

/**
 * Applies limits given to a resume and records them, so a later resume keeps them. Nothing is
 * recorded when none were given.
 */
export function raiseLimits(app: RunHost, runId: string, config: LoopConfig, limits: Limits): LoopConfig {
  const given = {
    ...(limits.maxSteps === undefined ? {} : { maxSteps: limits.maxSteps }),
    ...(limits.budget === undefined || Object.values(limits.budget).every((value) => value === undefined)
      ? {}
      : { budget: limits.budget }),
  };
  if (Object.keys(given).length === 0) return config;
  runRecorder(app, runId, config).record([{ type: 'run.limits', payload: given }]);
  return withLimits(config, given);
}

export interface Limits {
  maxSteps?: number | undefined;
  budget?: Budget | undefined;
}

/** A goal as it may be recorded: secrets a person pasted into it are removed. */
export function recordableGoal(goal: string, app: Partial<Pick<App, 'secrets'>> = {}): string {
  return createRedactor(knownSecrets(app)).text(goal);
}
