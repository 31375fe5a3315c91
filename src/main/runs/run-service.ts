// Starting, resuming and forking a run, one way for every front end (the app's RunManager, `looplab`):
// check the runtime, ready the model, record the run (its start, its resume's limits, its fork), then
// lease it, build its loop, drive it and release it. A front end gives only how approvals are asked and
// where progress goes, and whether it waits for the end (the CLI) or drives the run in the background.
import {
  loopConfigSchema,
  withLimits,
  type ApprovalRule,
  type LoopConfig,
  type McpServer,
} from '../../shared/loop-config';
import type { Network } from '../../shared/network-policy';
import type { RunnableLoop } from '../core/evaluation-gate';
import type { LoopOutcome, LoopProgress } from '../core/loop';
import type { ApprovalDecision, ApprovalGate } from '../core/ports';
import { withDefaultMcpServers } from '../settings/run-defaults';
import { copyData, findSpec, prepareSpec, readLoopSpec, specDirs, type PreparedSpec } from '../specs/loop-spec';
import { createFork, forkGate, forkPoint } from './fork';
import { liveForkModel } from './fork-model';
import { checkRuntime, DEFAULT_MODEL, readyModel, type ModelResolver, type ReadyModel } from './readiness';
import { raiseLimits, resumable, type Limits } from './run-config';
import { recordableGoal, type RunDeps } from './run-deps';
import { createRunLoop, workspaceDir } from './run-loop';

/** A run recorded and ready to drive. */
export interface ReadyRun {
  runId: string;
  model: ReadyModel;
  models: ModelResolver;
  config: LoopConfig;
  /** Answers some approvals before the front end's gate is asked (a fork's other answer). */
  gate?: (gate: ApprovalGate) => ApprovalGate;
}

/** What a front end gives a run: how approvals are asked, and where the run's progress goes. */
export interface RunFrontEnd {
  gate: ApprovalGate;
  onProgress?: (progress: LoopProgress) => void;
}

/** How much of the model's context window to use (Ollama's num_ctx); the model's own when smaller. */
interface ModelChoice {
  model?: string | undefined;
  contextLength?: number | undefined;
}

export interface NewRun extends ModelChoice {
  goal: string;
  config: LoopConfig;
  /** The run this one runs again. */
  parent?: string | undefined;
}

export interface SpecRun extends ModelChoice {
  spec: string;
  params: Record<string, string>;
  /** The run this one runs again. */
  parent?: string | undefined;
  /** The person's defaults (settings.json): the spec's own model, rules and MCP servers come first. */
  defaults: { model?: string | undefined; rules?: readonly ApprovalRule[]; mcpServers?: readonly McpServer[] };
  /** What the command line sets over the spec. */
  overrides?: SpecOverrides;
}

export interface SpecOverrides {
  limits?: Limits;
  /** Tools that ask first, before the spec's rules. */
  askFirst?: readonly string[];
  runtime?: 'host';
  network?: Network;
}

export interface ResumeRun extends ModelChoice {
  limits?: Limits;
  /** The constraints of a run that recorded none (runs older than recorded constraints). */
  config?: LoopConfig | undefined;
}

export interface ForkRun extends ModelChoice {
  runId: string;
  seq: number;
  message?: string | undefined;
  decision?: ApprovalDecision | undefined;
  limits?: Limits;
}

export class RunService {
  constructor(
    private readonly deps: RunDeps,
    private readonly models: () => ModelResolver,
    /** Told what a run gets other than what was asked (a context window smaller than asked for). */
    private readonly note?: (line: string) => void,
  ) {}

  async start(input: NewRun): Promise<ReadyRun> {
    const { model, models } = await this.ready(input.config, input);
    const runId = this.deps.store.createRun({
      goal: recordableGoal(input.goal, this.deps),
      model: model.name,
      origin: 'new',
      ...this.parentOf(input.parent),
      config: input.config,
    }).runId;
    return { runId, model, models, config: input.config };
  }

  /** A run of a saved or starter loop spec, its data copied into the new workspace. */
  async startSpec(input: SpecRun): Promise<ReadyRun & { spec: PreparedSpec }> {
    const parent = this.parentOf(input.parent);
    const file = findSpec(input.spec, specDirs(this.deps.paths.root));
    const spec = prepareSpec(readLoopSpec(file), file, input.params);
    const config = specConfig(spec.config, input.defaults, input.overrides);
    const name = input.model ?? spec.model ?? input.defaults.model ?? DEFAULT_MODEL;
    const { model, models } = await this.ready(config, { model: name, contextLength: input.contextLength });
    const runId = this.deps.store.createRun({
      goal: recordableGoal(spec.goal, this.deps),
      model: model.name,
      origin: 'spec',
      ...parent,
      config,
    }).runId;
    copyData(spec.data, workspaceDir(this.deps, runId));
    return { runId, model, models, config, spec };
  }

  /** Goes on with a run; a new step limit or budget lets a run stopped by one go on. */
  async resume(runId: string, input: ResumeRun = {}): Promise<ReadyRun> {
    const { run, config: recorded } = resumable(this.deps, runId);
    const base = recorded ?? input.config ?? defaultConfig();
    const { model, models } = await this.ready(base, {
      model: input.model ?? run.model,
      contextLength: input.contextLength,
    });
    const config = raiseLimits(this.deps, runId, base, input.limits ?? {});
    return { runId, model, models, config };
  }

  /** A fork of a run at one of its events (conversation and workspace as they were there). */
  async fork(input: ForkRun): Promise<ReadyRun> {
    // Checked before the model server is asked anything: a wrong run or step says so at once.
    const point = forkPoint(this.deps, input.runId, input.seq, input);
    const base = point.config ?? defaultConfig();
    const { model, models } = await this.ready(base, {
      model: liveForkModel(input.model, point.model),
      contextLength: input.contextLength,
    });
    const runId = await createFork(this.deps, point, { model: model.name, message: input.message });
    const config = raiseLimits(this.deps, runId, base, input.limits ?? {});
    return { runId, model, models, config, gate: (gate) => forkGate(gate, point.pending, input.decision) };
  }

  /** The run's loop, asking the front end's gate and telling it the run's progress. */
  loop(run: ReadyRun, frontEnd: RunFrontEnd): RunnableLoop {
    return createRunLoop({
      app: this.deps,
      runId: run.runId,
      model: run.model,
      models: run.models,
      config: run.config,
      gate: run.gate === undefined ? frontEnd.gate : run.gate(frontEnd.gate),
      ...(frontEnd.onProgress === undefined ? {} : { onProgress: frontEnd.onProgress }),
    });
  }

  /** Drives a run until it ends, holding its lease. */
  drive(run: ReadyRun, frontEnd: RunFrontEnd, signal: AbortSignal): Promise<LoopOutcome> {
    return this.hold(run.runId, (held) => this.loop(run, frontEnd).run(held), signal);
  }

  /**
   * Leases the run to this process (at once: a run another process drives is refused here), does its
   * work, then releases the lease, its workspace snapshots' bookkeeping and its sandbox.
   */
  hold(runId: string, work: (signal: AbortSignal) => Promise<LoopOutcome>, signal: AbortSignal): Promise<LoopOutcome> {
    this.deps.owners.claim(runId);
    const held = async () => {
      try {
        return await work(signal);
      } finally {
        await this.release(runId);
      }
    };
    return held();
  }

  private async release(runId: string): Promise<void> {
    try {
      this.deps.owners.release(runId);
    } catch {
      // The data folder failed, and the work's own error says so. The lease stays; a resume by this
      // process sees it is its own, and one of another process sees this one is gone.
    }
    this.deps.snapshots.forget(runId);
    await this.deps.sandbox.release(runId).catch(() => undefined);
  }

  /** The runtime checked, then the model readied: in this order for every start, resume and fork. */
  private async ready(config: LoopConfig, choice: ModelChoice): Promise<{ model: ReadyModel; models: ModelResolver }> {
    await checkRuntime(this.deps, config);
    const models = this.models();
    const model = await readyModel(models, choice.model ?? DEFAULT_MODEL, choice.contextLength, this.note);
    return { model, models };
  }

  /** The run a new one runs again ("Run again"), at its last event; checked to be there. */
  private parentOf(runId: string | undefined): { parent?: { runId: string; seq: number } } {
    if (runId === undefined) return {};
    const run = this.deps.store.requireRun(runId);
    return { parent: { runId: run.id, seq: run.lastSeq } };
  }
}

/**
 * A spec's constraints as a run gets them: the command line's limits over the spec's, the tools it says
 * ask first, then the spec's rules, then the person's default rules; the spec's MCP servers, then the
 * person's of other names; the command line's runtime and network.
 */
export function specConfig(
  config: LoopConfig,
  defaults: SpecRun['defaults'],
  overrides: SpecOverrides = {},
): LoopConfig {
  const limited = withLimits(config, overrides.limits ?? {});
  const asked: ApprovalRule[] = (overrides.askFirst ?? []).map((tool) => ({ tool, action: 'ask' }));
  const mcpServers = withDefaultMcpServers({ mcpServers: defaults.mcpServers }, limited.mcpServers);
  return {
    ...limited,
    ...(mcpServers === undefined ? {} : { mcpServers }),
    rules: [...asked, ...limited.rules, ...(defaults.rules ?? [])],
    ...(overrides.runtime === undefined ? {} : { runtime: overrides.runtime }),
    ...(overrides.network === undefined ? {} : { network: overrides.network }),
  };
}

function defaultConfig(): LoopConfig {
  return loopConfigSchema.parse({});
}
