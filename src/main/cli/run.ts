// `looplab run "<goal>"` and `looplab resume <run-id>`: a loop driven from the terminal, with the same
// store, tools and rules as the app; progress on the terminal, a JSON summary with --json.
import type { RunStatus } from '../../shared/events';
import {
  loopConfigSchema,
  withLimits,
  type ApprovalRule,
  type Budget,
  type LoopConfig,
} from '../../shared/loop-config';
import { createApp, tidySandboxes, type App } from '../app';
import type { LoopOutcome } from '../core/loop';
import type { ApprovalGate } from '../core/ports';
import { readyModel, type ModelResolver, type ReadyModel } from '../runs/readiness';
import { checkRuntime, createRunLoop, raiseLimits, recordableGoal, resumable, workspaceDir } from '../runs/run-loop';
import { configWithDefaults, withDefaultMcpServers } from '../settings/run-defaults';
import type { Settings } from '../../shared/settings';
import { copyData, findSpec, prepareSpec, readLoopSpec, specDirs } from '../specs/loop-spec';
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

export interface RunCommandOptions {
  home: string;
  model?: string | undefined;
  approve: ApproveMode;
  requireApproval: string[];
  maxSteps?: number | undefined;
  maxTokens?: number | undefined;
  maxCost?: number | undefined;
  maxTimeSeconds?: number | undefined;
  hostExec: boolean;
  /** Grant the sandbox the full network for this run. */
  network: boolean;
  /** The most context to ask of the model (Ollama's num_ctx); the model's own window when smaller. */
  contextLength?: number | undefined;
  json: boolean;
  models: ModelResolver;
  /** settings.json, for what the flags leave out. */
  settings: Settings;
  write(text: string): void;
  /** Where progress goes: the terminal, or stderr when stdout carries JSON. */
  progress(text: string): void;
}

function budgetOf(options: RunCommandOptions): Budget {
  return {
    tokens: options.maxTokens,
    costUsd: options.maxCost,
    wallMs: options.maxTimeSeconds === undefined ? undefined : options.maxTimeSeconds * 1000,
  };
}

/** The flags, filled from settings.json (see run-defaults.ts for the order). */
function configOf(options: RunCommandOptions): LoopConfig {
  const rules: ApprovalRule[] = options.requireApproval.map((tool) => ({ tool, action: 'ask' }));
  return loopConfigSchema.parse(
    configWithDefaults(options.settings, {
      maxSteps: options.maxSteps,
      rules,
      budget: budgetOf(options),
      runtime: options.hostExec ? 'host' : 'sandbox',
      network: options.network ? 'full' : undefined,
    }),
  );
}

export async function runGoal(goal: string, options: RunCommandOptions): Promise<number> {
  const model = await readyModel(
    options.models,
    options.model ?? options.settings.defaultModel,
    options.contextLength,
    options.progress,
  );
  const app = createApp({ home: options.home, host: 'web' });
  try {
    const config = configOf(options);
    await checkRuntime(app, config);
    const runId = app.store.createRun({
      goal: recordableGoal(goal, app),
      model: model.name,
      origin: 'new',
      config,
    }).runId;
    return await drive(app, runId, model, config, options);
  } finally {
    app.close();
  }
}

export interface SpecRunOptions {
  spec: string;
  params: Record<string, string>;
}

/** `looplab run --spec FILE`: the spec's goal, model and constraints, with the command line's limits on top. */
export async function runSpec(specOptions: SpecRunOptions, options: RunCommandOptions): Promise<number> {
  const file = findSpec(specOptions.spec, specDirs(options.home));
  const prepared = prepareSpec(readLoopSpec(file), file, specOptions.params);
  const model = await readyModel(
    options.models,
    options.model ?? prepared.model ?? options.settings.defaultModel,
    options.contextLength,
    options.progress,
  );
  const app = createApp({ home: options.home, host: 'web' });
  try {
    const config = withCommandLine(prepared.config, options);
    await checkRuntime(app, config);
    const runId = app.store.createRun({
      goal: recordableGoal(prepared.goal, app),
      model: model.name,
      origin: 'spec',
      config,
    }).runId;
    copyData(prepared.data, workspaceDir(app, runId));
    options.progress(`spec ${prepared.spec.name} (${file})\n`);
    return await drive(app, runId, model, config, options);
  } finally {
    app.close();
  }
}

/** A spec's constraints with the limits, approvals and runtime flags given on the command line. */
function withCommandLine(config: LoopConfig, options: RunCommandOptions): LoopConfig {
  const limited = withLimits(config, { maxSteps: options.maxSteps, budget: budgetOf(options) });
  const asked: ApprovalRule[] = options.requireApproval.map((tool) => ({ tool, action: 'ask' }));
  const mcpServers = withDefaultMcpServers(options.settings, limited.mcpServers);
  return {
    ...limited,
    ...(mcpServers === undefined ? {} : { mcpServers }),
    // The person's default rules (settings.json) come after the spec's own.
    rules: [...asked, ...limited.rules, ...options.settings.rules],
    ...(options.hostExec ? { runtime: 'host' as const } : {}),
    ...(options.network ? { network: 'full' as const } : {}),
  };
}

export async function resumeRun(runId: string, options: RunCommandOptions): Promise<number> {
  const app = createApp({ home: options.home, host: 'web' });
  try {
    const { run, config } = resumable(app, runId);
    const model = await readyModel(options.models, options.model ?? run.model, options.contextLength, options.progress);
    const limits = { maxSteps: options.maxSteps, budget: budgetOf(options) };
    const base = config ?? configOf(options);
    await checkRuntime(app, base);
    const resumed = raiseLimits(app, runId, base, limits);
    return await drive(app, runId, model, resumed, options);
  } finally {
    app.close();
  }
}

/** Drives a run from the terminal until it ends; `wrapGate` can answer some approvals itself (a fork's). */
export async function drive(
  app: App,
  runId: string,
  model: ReadyModel,
  config: LoopConfig,
  options: RunCommandOptions,
  wrapGate: (gate: ApprovalGate) => ApprovalGate = (gate) => gate,
): Promise<number> {
  options.progress(`${runId}  ${model.name}  workspace ${workspaceDir(app, runId)}\n`);
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  await tidySandboxes(app);
  app.owners.claim(runId);
  let outcome: LoopOutcome;
  try {
    const gate = wrapGate(terminalGate(options.approve, { input: process.stdin, output: process.stderr }));
    const loop = createRunLoop({
      app,
      runId,
      model,
      models: options.models,
      config,
      gate,
      onProgress: progressPrinter(options.progress),
    });
    outcome = await loop.run(controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    app.owners.release(runId);
    await app.sandbox.release(runId).catch(() => undefined);
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
