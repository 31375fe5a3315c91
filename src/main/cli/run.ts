// `looplab run "<goal>"` and `looplab resume <run-id>`: a loop driven from the terminal, with the same
// store, tools and rules as the app; progress on the terminal, a JSON summary with --json.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { RunStatus } from '../../shared/events';
import { loopConfigSchema, type ApprovalRule, type LoopConfig } from '../../shared/loop-config';
import { createApp, type App } from '../app';
import { AgentLoop, type LoopOutcome } from '../core/loop';
import { ProviderError, type ModelInfo, type ModelProvider } from '../core/model';
import { systemClock } from '../core/ports';
import { SYSTEM_PROMPT } from '../core/system-prompt';
import { builtinTools } from '../tools';
import { FolderWorkspace } from '../tools/folder-workspace';
import { progressPrinter } from './progress';
import { terminalGate, type ApproveMode } from './terminal-gate';

export const exitCodes: Record<RunStatus, number> = {
  finished: 0,
  failed: 1,
  stalled: 3,
  stopped: 4,
  interrupted: 5,
  waiting: 6,
  running: 7,
};

export interface ModelResolver {
  resolve(name: string): { provider: ModelProvider; model: string };
  /** The readiness check: throws a ProviderError saying what to do when the model cannot be used. */
  readiness(name: string, signal?: AbortSignal): Promise<ModelInfo>;
  price(name: string, usage: { inputTokens: number; outputTokens: number }): number;
}

export interface RunCommandOptions {
  home: string;
  model?: string;
  approve: ApproveMode;
  requireApproval: string[];
  maxSteps?: number;
  maxTokens?: number;
  maxCost?: number;
  maxTimeSeconds?: number;
  hostExec: boolean;
  /** The most context to ask of the model (Ollama's num_ctx); the model's own window when smaller. */
  contextLength?: number;
  json: boolean;
  models: ModelResolver;
  write(text: string): void;
  /** Where progress goes: the terminal, or stderr when stdout carries JSON. */
  progress(text: string): void;
}

export const DEFAULT_MODEL = 'ollama/qwen2.5-coder:7b';
/**
 * Local models report windows of up to 128k tokens, and Ollama reserves GPU memory for the whole
 * num_ctx it is sent; 32k keeps a 7B model on a 24 GB card. --context-length changes it.
 */
export const DEFAULT_CONTEXT_CAP = 32_768;

function configOf(options: RunCommandOptions): LoopConfig {
  const rules: ApprovalRule[] = options.requireApproval.map((tool) => ({ tool, action: 'ask' }));
  if (options.hostExec) rules.push({ tool: 'bash', action: 'ask' });
  return loopConfigSchema.parse({
    maxSteps: options.maxSteps,
    rules,
    budget: {
      tokens: options.maxTokens,
      costUsd: options.maxCost,
      wallMs: options.maxTimeSeconds === undefined ? undefined : options.maxTimeSeconds * 1000,
    },
  });
}

/** Readiness before anything is recorded: the server answers, the model exists and takes tools. */
async function ready(
  models: ModelResolver,
  name: string,
  contextCap = DEFAULT_CONTEXT_CAP,
): Promise<{ provider: ModelProvider; model: string; info: ModelInfo }> {
  const { provider, model } = models.resolve(name);
  try {
    const info = await models.readiness(name, AbortSignal.timeout(30_000));
    return { provider, model, info: { ...info, contextLength: Math.min(info.contextLength, contextCap) } };
  } catch (error) {
    if (error instanceof ProviderError)
      throw new AppError('unavailable', `${name} is not ready: ${error.message}.`, error.hint);
    throw error;
  }
}

export async function runGoal(goal: string, options: RunCommandOptions): Promise<number> {
  const name = options.model ?? DEFAULT_MODEL;
  const model = await ready(options.models, name, options.contextLength);
  const app = createApp({ home: options.home, host: 'web' });
  try {
    const config = configOf(options);
    const runId = app.store.createRun({ goal, model: name, origin: 'new', config }).runId;
    return await drive(app, runId, name, model, config, options);
  } finally {
    app.close();
  }
}

export async function resumeRun(runId: string, options: RunCommandOptions): Promise<number> {
  const app = createApp({ home: options.home, host: 'web' });
  try {
    const run = app.store.requireRun(runId);
    const owner = app.owners.liveOwner(runId);
    if (owner !== undefined)
      throw new AppError(
        'conflict',
        `${runId} is being driven by process ${owner}.`,
        'Wait for it, or stop that process first.',
      );
    if (run.status === 'finished')
      throw new AppError(
        'conflict',
        `${runId} has finished; there is nothing to resume.`,
        'Start a new run, or fork this one.',
      );
    const created = app.store.loadEvents(runId).find((event) => event.type === 'run.created');
    const recorded = created?.type === 'run.created' ? created.payload.config : undefined;
    const config = recorded ?? configOf(options);
    const name = options.model ?? run.model;
    const model = await ready(options.models, name, options.contextLength);
    return await drive(app, runId, name, model, config, options);
  } finally {
    app.close();
  }
}

async function drive(
  app: App,
  runId: string,
  name: string,
  model: { provider: ModelProvider; model: string; info: ModelInfo },
  config: LoopConfig,
  options: RunCommandOptions,
): Promise<number> {
  const workspaceDir = join(app.paths.workspaces, runId);
  mkdirSync(workspaceDir, { recursive: true });
  options.progress(`${runId}  ${name}  workspace ${workspaceDir}\n`);
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  app.owners.claim(runId);
  let outcome: LoopOutcome;
  try {
    const loop = new AgentLoop(
      {
        log: app.store,
        provider: model.provider,
        modelName: name,
        model: model.model,
        modelInfo: model.info,
        tools: builtinTools,
        workspace: new FolderWorkspace(workspaceDir, { hostExec: options.hostExec }),
        gate: terminalGate(options.approve, { input: process.stdin, output: process.stderr }),
        systemPrompt: SYSTEM_PROMPT,
        price: (usage) => options.models.price(name, usage),
        clock: systemClock,
        onProgress: progressPrinter(options.progress),
      },
      runId,
      config,
    );
    outcome = await loop.run(controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    app.owners.release(runId);
  }
  report(app, runId, outcome, options);
  return exitCodes[outcome.status];
}

function report(app: App, runId: string, outcome: LoopOutcome, options: RunCommandOptions): void {
  const run = app.store.requireRun(runId);
  const summary = {
    runId,
    status: outcome.status,
    reason: outcome.reason,
    steps: run.steps,
    toolCalls: run.toolCalls,
    tokens: { input: run.inputTokens, output: run.outputTokens },
    cost: run.cost,
  };
  if (options.json) options.write(`${JSON.stringify(summary, null, 2)}\n`);
  else options.write(`${runId} ${outcome.status}${outcome.reason === null ? '' : `: ${outcome.reason}`}\n`);
}
