// `looplab run "<goal>"` and `looplab resume <run-id>`: a loop driven from the terminal, with the same
// store, tools and rules as the app; progress on the terminal, a JSON summary with --json.
import type { RunStatus } from '../../shared/events';
import { loopConfigSchema, type ApprovalRule, type Budget, type LoopConfig } from '../../shared/loop-config';
import type { Settings } from '../../shared/settings';
import type { Network } from '../../shared/network-policy';
import { createApp, tidySandboxes, type App } from '../app';
import type { LoopOutcome } from '../core/loop';
import type { ModelResolver } from '../runs/readiness';
import { workspaceDir } from '../runs/run-loop';
import { RunService, type ReadyRun } from '../runs/run-service';
import { configWithDefaults } from '../settings/run-defaults';
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
  /** What the sandbox may reach in this run; the settings' default when absent. */
  network: Network | undefined;
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
      network: options.network,
    }),
  );
}

/** The app and the run service of a command: the terminal hears what the run gets other than asked. */
export async function withRunService(
  options: RunCommandOptions,
  command: (app: App, service: RunService) => Promise<number>,
): Promise<number> {
  const app = createApp({ home: options.home, ui: 'web' });
  try {
    return await command(app, new RunService(app, () => options.models, options.progress));
  } finally {
    app.close();
  }
}

export async function runGoal(goal: string, options: RunCommandOptions): Promise<number> {
  return withRunService(options, async (app, service) => {
    const model = options.model ?? options.settings.defaultModel;
    const run = await service.start({ goal, model, contextLength: options.contextLength, config: configOf(options) });
    return drive(app, service, run, options);
  });
}

export interface SpecRunOptions {
  spec: string;
  params: Record<string, string>;
}

/** `looplab run --spec FILE`: the spec's goal, model and constraints, with the command line's limits on top. */
export async function runSpec(specOptions: SpecRunOptions, options: RunCommandOptions): Promise<number> {
  return withRunService(options, async (app, service) => {
    const run = await service.startSpec({
      ...specOptions,
      model: options.model,
      contextLength: options.contextLength,
      defaults: {
        model: options.settings.defaultModel,
        rules: options.settings.rules,
        mcpServers: options.settings.mcpServers,
      },
      overrides: {
        limits: limitsOf(options),
        askFirst: options.requireApproval,
        ...(options.hostExec ? { runtime: 'host' as const } : {}),
        ...(options.network === undefined ? {} : { network: options.network }),
      },
    });
    options.progress(`spec ${run.spec.spec.name} (${run.spec.file})\n`);
    return drive(app, service, run, options);
  });
}

export async function resumeRun(runId: string, options: RunCommandOptions): Promise<number> {
  return withRunService(options, async (app, service) => {
    const run = await service.resume(runId, {
      model: options.model,
      contextLength: options.contextLength,
      limits: limitsOf(options),
      config: configOf(options),
    });
    return drive(app, service, run, options);
  });
}

export function limitsOf(options: RunCommandOptions): { maxSteps: number | undefined; budget: Budget } {
  return { maxSteps: options.maxSteps, budget: budgetOf(options) };
}

/** Drives a run from the terminal until it ends: approvals asked there, progress printed, Ctrl-C stops it. */
export async function drive(app: App, service: RunService, run: ReadyRun, options: RunCommandOptions): Promise<number> {
  options.progress(`${run.runId}  ${run.model.name}  workspace ${workspaceDir(app, run.runId)}\n`);
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  await tidySandboxes(app);
  let outcome: LoopOutcome;
  try {
    const gate = terminalGate(options.approve, { input: process.stdin, output: process.stderr });
    outcome = await service.drive(run, { gate, onProgress: progressPrinter(options.progress) }, controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
  }
  report(app, run.runId, outcome, options);
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
