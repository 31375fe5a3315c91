// Builds the loop for one run of a data folder, the same way for every front end (the CLI, the app): its
// workspace folder, the built-in and job tools, the system prompt and the model's price.
// What it needs of the app is declared in run-deps.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { LoopConfig } from '../../shared/loop-config';
import { GITHUB_SECRET } from '../../shared/settings';
import { EvaluationGate, type RunnableLoop } from '../core/evaluation-gate';
import { AgentLoop, type LoopCheck, type LoopProgress } from '../core/loop';
import type { ParkingPort } from '../core/parking';
import { systemClock, type ApprovalGate } from '../core/ports';
import type { Recorder } from '../core/recorder';
import type { ToolDefinition, Workspace } from '../core/tool';
import { SYSTEM_PROMPT } from '../core/system-prompt';
import { SandboxEvaluator } from '../sandbox/evaluation';
import { metricsSource } from '../sandbox/sandbox-resources';
import { evaluateTool } from '../tools/evaluate';
import { builtinTools } from '../tools';
import { FolderWorkspace } from '../tools/folder-workspace';
import { HubClient } from '../hub/hub-client';
import { DEFAULT_HUB_URL, hubEndpoint } from '../hub/hub-endpoint';
import { arxivUrl, PaperReader } from '../hub/paper-reader';
import { GitHubClient } from '../hub/github-client';
import { githubEndpoint } from '../hub/github-endpoint';
import { connectMcpServers } from '../mcp/mcp-tools';
import { mcpRunOptions } from '../mcp/mcp-run-options';
import { loadSettings } from '../settings/settings-store';
import { dataInspectTool } from '../tools/data-inspect';
import { createHubTools, DEFAULT_MAX_DOWNLOAD_BYTES } from '../tools/hub-tools';
import { createGitHubTools } from '../tools/github-tools';
import { createJobTools } from '../tools/job-tools';
import { hubPublishTool } from '../tools/hub-publish';
import { appVersion } from '../version';
import { exportFile } from './run-export';
import type { ModelResolver, ReadyModel } from './readiness';
import { ollamaFootprint } from '../providers/ollama-footprint';
import { ollamaParking } from './gpu-parking';
import { effectiveConfig } from './run-config';
import { runRecorder, type RunDeps } from './run-deps';
import { RunNetwork } from './run-network';

export interface RunLoopOptions {
  app: RunDeps;
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
type LoopOptions = RunLoopOptions & { recorder: Recorder; network: RunNetwork; mcpTools?: readonly ToolDefinition[] };

export function workspaceDir(app: RunDeps, runId: string): string {
  const dir = join(app.paths.workspaces, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Commands and files go through the run's sandbox container, or this machine's folder for host runs. */
function runWorkspace(app: RunDeps, runId: string, config: LoopConfig, network: RunNetwork): Workspace {
  const workspaceFolder = workspaceDir(app, runId);
  if (config.runtime === 'host') return new FolderWorkspace(workspaceFolder, { hostExec: true });
  const gpu = config.gpu === true;
  return network.noting(app.sandbox.workspace(runId, { workspaceFolder, network: network.sandbox, gpu }));
}

/**
 * The Hub's URL when the person set one in settings.json (the public hub is its default, and then
 * HF_ENDPOINT still decides); a broken settings file was reported when the run started.
 */
function settingsHubUrl(app: RunDeps): string | undefined {
  try {
    const { hubUrl } = loadSettings(app.paths).providers.huggingFace;
    return hubUrl.replace(/\/+$/, '') === DEFAULT_HUB_URL ? undefined : hubUrl;
  } catch {
    return undefined;
  }
}

/** GitHub's API URL when the person set one in settings.json (GitHub Enterprise), else GITHUB_API_URL decides. */
function settingsGitHubUrl(app: RunDeps): string | undefined {
  try {
    return loadSettings(app.paths).providers.github?.apiUrl;
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
  app: RunDeps,
  runId: string,
  config: LoopConfig,
  hubUrl: string | undefined,
  network: RunNetwork,
  mcpTools: readonly ToolDefinition[] = [],
): readonly ToolDefinition[] {
  return [...harnessTools(app, runId, config, hubUrl, network), ...mcpTools];
}

/** The run's tools that Looplab itself provides (every tool but its MCP servers'). */
function harnessTools(
  app: RunDeps,
  runId: string,
  config: LoopConfig,
  hubUrl: string | undefined,
  network: RunNetwork,
): readonly ToolDefinition[] {
  const workspaceFolder = workspaceDir(app, runId);
  const endpoint = hubEndpoint(hubUrl ?? settingsHubUrl(app), process.env, app.secrets?.get('hf'));
  const client = new HubClient({ endpoint, cacheFolder: app.paths.hubCache });
  const papers = new PaperReader(arxivUrl(), app.paths.hubCache);
  const github = githubEndpoint(settingsGitHubUrl(app), process.env, app.secrets?.get(GITHUB_SECRET));
  const research = [
    ...createHubTools({ client, papers, workspaceFolder, maxDownloadBytes: DEFAULT_MAX_DOWNLOAD_BYTES }),
    ...createGitHubTools(new GitHubClient(github, app.paths.hubCache)),
    dataInspectTool(workspaceFolder),
    hubPublishTool({
      runId,
      workspaceFolder,
      events: () => app.store.loadEvents(runId),
      runExport: () => exportFile(app.store, runId, 'looplab'),
      endpoint: () => endpoint,
      version: appVersion(),
    }),
  ];
  if (config.runtime === 'host') return [...builtinTools, ...research];
  const { wallMs } = config.budget;
  const deadline = wallMs === undefined ? undefined : app.store.requireRun(runId).createdAt + wallMs;
  const target = {
    runId,
    workspaceFolder,
    network: network.sandbox,
    jobDefaults: config.jobs,
    deadline,
    jobs: config.jobs,
  };
  const evaluate = evaluateTool({
    runner: new SandboxEvaluator(app.sandbox, workspaceFolder, runId),
    script: metricsSource,
    heldOut: config.evaluation?.heldOut ?? [],
  });
  return [...builtinTools, ...research, ...createJobTools(app.jobs, target), evaluate];
}

/**
 * The run's loop: the agent loop, behind the evaluation gate when the run's spec has one. With MCP
 * servers, the loop connects to them when it starts running (connecting is asynchronous, and every front
 * end builds the loop synchronously and then runs it), and closes them when the run ends; a server that
 * cannot be reached fails the run, with the reason recorded.
 */
export function createRunLoop(runOptions: RunLoopOptions): RunnableLoop {
  const recorder = runRecorder(runOptions.app, runOptions.runId, runOptions.config);
  if (runOptions.onProgress !== undefined) recorder.watch(runOptions.onProgress);
  const network = new RunNetwork({ ...runOptions, recorder, user: runOptions.app.sandbox.user });
  const options: LoopOptions = { ...runOptions, recorder, network };
  const loop = mcpLoop(options);
  return {
    // The outcome is printed and shown as well as recorded: its reason is redacted like the record.
    run: async (signal) => {
      const refused = await openNetwork(network, recorder, signal);
      if (refused !== undefined) return refused;
      try {
        const outcome = await loop.run(signal);
        return outcome.reason === null ? outcome : { ...outcome, reason: recorder.redactor.text(outcome.reason) };
      } finally {
        await network.close();
      }
    },
  };
}

/** Opens the run's network; an allow-list this engine cannot give fails the run, saying what to use instead. */
async function openNetwork(network: RunNetwork, recorder: Recorder, signal: AbortSignal) {
  try {
    await network.open(signal);
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return failRun(recorder, error);
  }
}

function failRun(recorder: Recorder, error: AppError): { status: 'failed'; reason: string } {
  const reason = error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
  recorder.record([{ type: 'run.status', payload: { status: 'failed', reason } }]);
  return { status: 'failed', reason };
}

function mcpLoop(options: LoopOptions): RunnableLoop {
  const servers = options.config.mcpServers ?? [];
  if (servers.length === 0) return gatedLoop(options);
  return {
    async run(signal) {
      let mcp: Awaited<ReturnType<typeof connectMcpServers>>;
      try {
        const asking = { gate: options.gate, recorder: options.recorder };
        mcp = await connectMcpServers(servers, mcpRunOptions(options.app, options.runId, options.config, asking));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return failRun(options.recorder, error);
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

/** Where the run's model is a local Ollama's, the loop parks while a GPU job holds the GPU. */
function parkingOf(app: RunDeps, model: ReadyModel): { parking?: ParkingPort } {
  const provider: { id: string; host?: unknown } = model.provider;
  if (app.gpu === undefined || provider.id !== 'ollama' || typeof provider.host !== 'string') return {};
  const { host } = provider;
  const footprint = ollamaFootprint(host, model.model);
  const published = () => app.store.whenPublished();
  const parking = ollamaParking({ ...app.gpu, host, model: model.model, footprint, published });
  return parking === undefined ? {} : { parking };
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
      ...(model.profile === undefined ? {} : { profile: model.profile }),
      tools: runTools(app, runId, options.config, options.hubUrl, options.network, options.mcpTools),
      workspace: runWorkspace(app, runId, options.config, options.network),
      gate: options.gate,
      systemPrompt: SYSTEM_PROMPT,
      price: options.price ?? ((usage) => options.models.price(model.name, usage)),
      clock: systemClock,
      recorder: options.recorder,
      snapshots: { capture: (origin) => app.snapshots.capture(runId, workspaceDir(app, runId), origin) },
      ...(options.check === undefined ? {} : { check: options.check }),
      ...parkingOf(app, model),
    },
    runId,
    effectiveConfig(options.config),
  );
}
