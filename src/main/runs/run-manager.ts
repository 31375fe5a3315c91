// Runs loops inside the app (Electron's main process or `looplab serve`): starts, stops and resumes
// them, and holds the approvals a person answers in the UI. Streaming text is pushed as it comes; the
// events themselves reach the UI through the store's own pushes.
import { AppError, type ErrorInfo } from '../../shared/errors';
import {
  loopConfigSchema,
  type ApprovalRule,
  type Budget,
  type LoopConfig,
  type McpServer,
} from '../../shared/loop-config';
import { withDefaultMcpServers } from '../settings/run-defaults';
import type { RunSummary } from '../../shared/run-summary';
import type { LoopOutcome, LoopProgress } from '../core/loop';
import type { DivergenceMode } from '../core/replay';
import { driveReplay, prepareReplay } from './replay';
import { NO_GRANTS, type ReplayGrants } from './run-trust';
import type { ApprovalDecision, ApprovalGate } from '../core/ports';
import { DEFAULT_MODEL, readyModel, type ModelResolver, type ReadyModel } from './readiness';
import { createFork, forkGate, forkPoint } from './fork';
import { copyData, findSpec, prepareSpec, readLoopSpec, specDirs } from '../specs/loop-spec';
import {
  checkRuntime,
  createRunLoop,
  raiseLimits,
  recordableGoal,
  resumable,
  workspaceDir,
  type RunHost,
} from './run-loop';

export interface StartRun {
  goal: string;
  model?: string | undefined;
  config?: unknown;
  contextLength?: number | undefined;
  /** The run this one runs again. */
  parent?: string | undefined;
}

export interface ForkRun {
  runId: string;
  seq: number;
  message?: string | undefined;
  model?: string | undefined;
  decision?: ApprovalDecision | undefined;
}

interface LiveRun {
  controller: AbortController;
  done: Promise<LoopOutcome>;
}

export interface PendingApproval {
  resolve(decision: ApprovalDecision): void;
}

export class RunManager {
  private readonly live = new Map<string, LiveRun>();
  private readonly pending = new Map<string, PendingApproval>();

  constructor(
    private readonly app: RunHost,
    private readonly models: () => ModelResolver,
    /** The model's words and the tools' output as they come (events arrive through the store). */
    private readonly onProgress: (runId: string, progress: Exclude<LoopProgress, { type: 'event' }>) => void,
    /** A loop that could not go on and could not record why (its data folder failed): the UI is told. */
    private readonly onFailure: (runId: string, error: ErrorInfo) => void = () => undefined,
  ) {}

  async start(input: StartRun): Promise<RunSummary> {
    const config = loopConfigSchema.parse(input.config ?? {});
    await checkRuntime(this.app, config);
    const models = this.models();
    const model = await readyModel(models, input.model ?? DEFAULT_MODEL, input.contextLength);
    const runId = this.app.store.createRun({
      goal: recordableGoal(input.goal, this.app),
      model: model.name,
      origin: 'new',
      ...this.parentOf(input.parent),
      config,
    }).runId;
    this.launch(runId, model, config, models);
    return this.app.store.requireRun(runId);
  }

  /** Starts a run of a saved or starter loop spec, its data copied into the new workspace. */
  async startSpec(input: {
    spec: string;
    params: Record<string, string>;
    model?: string | undefined;
    /** The person's default model and rules (settings.json); the spec's own come first. */
    defaultModel?: string | undefined;
    defaultRules?: readonly ApprovalRule[] | undefined;
    /** The person's MCP servers (settings.json); the spec's own come first. */
    defaultMcpServers?: readonly McpServer[] | undefined;
    /** The run this one runs again. */
    parent?: string | undefined;
  }): Promise<RunSummary> {
    const parent = this.parentOf(input.parent);
    const file = findSpec(input.spec, specDirs(this.app.paths.root));
    const prepared = prepareSpec(readLoopSpec(file), file, input.params);
    const mcpServers = withDefaultMcpServers({ mcpServers: input.defaultMcpServers }, prepared.config.mcpServers);
    const config = {
      ...prepared.config,
      rules: [...prepared.config.rules, ...(input.defaultRules ?? [])],
      ...(mcpServers === undefined ? {} : { mcpServers }),
    };
    await checkRuntime(this.app, config);
    const models = this.models();
    const model = await readyModel(models, input.model ?? prepared.model ?? input.defaultModel ?? DEFAULT_MODEL);
    const runId = this.app.store.createRun({
      goal: recordableGoal(prepared.goal, this.app),
      model: model.name,
      origin: 'spec',
      ...parent,
      config,
    }).runId;
    copyData(prepared.data, workspaceDir(this.app, runId));
    this.launch(runId, model, config, models);
    return this.app.store.requireRun(runId);
  }

  /** The run a new one runs again ("Run again"), at its last event; checked to be there. */
  private parentOf(runId: string | undefined): { parent?: { runId: string; seq: number } } {
    if (runId === undefined) return {};
    const run = this.app.store.requireRun(runId);
    return { parent: { runId: run.id, seq: run.lastSeq } };
  }

  /** Resumes a run; a new step limit or budget lets a run stopped by one go on. */
  async resume(
    runId: string,
    limits: { maxSteps?: number | undefined; budget?: Budget | undefined } = {},
  ): Promise<RunSummary> {
    if (this.live.has(runId)) throw new AppError('conflict', `${runId} is already running.`);
    const { run, config } = resumable(this.app, runId);
    const base = config ?? loopConfigSchema.parse({});
    await checkRuntime(this.app, base);
    const models = this.models();
    const model = await readyModel(models, run.model);
    this.launch(runId, model, raiseLimits(this.app, runId, base, limits), models);
    return this.app.store.requireRun(runId);
  }

  /** Forks a run at one of its events (conversation and workspace as they were there) and starts the fork. */
  async fork(input: ForkRun): Promise<RunSummary> {
    const point = forkPoint(this.app, input.runId, input.seq, input);
    const config = point.config ?? loopConfigSchema.parse({});
    await checkRuntime(this.app, config);
    const models = this.models();
    const model = await readyModel(models, input.model ?? point.model);
    const runId = await createFork(this.app, point, { model: model.name, message: input.message });
    this.launch(runId, model, config, models, forkGate(this.gate(), point.pending, input.decision));
    return this.app.store.requireRun(runId);
  }

  /**
   * Replays a recorded run as a new run: no model server unless it diverges with `continue`, when the
   * live model (default: the recorded one) takes over. Calls the recording never asked about are asked here.
   */
  async replay(input: {
    runId: string;
    onDivergence: DivergenceMode;
    model?: string | undefined;
    /** What the person granted a run from elsewhere, after the confirmation listed it. */
    allow?: ReplayGrants;
  }): Promise<RunSummary> {
    const source = this.app.store.requireRun(input.runId);
    await checkRuntime(this.app, recordedRuntime(source));
    const replay = prepareReplay(this.app, input.runId, input.allow ?? NO_GRANTS);
    const models = this.models();
    this.track(replay.runId, (signal) =>
      driveReplay({
        app: this.app,
        replay,
        mode: input.onDivergence,
        models,
        liveModel: () => readyModel(models, input.model ?? replay.sourceModel),
        gate: this.gate(),
        onProgress: this.progressOf(replay.runId),
        signal,
      }),
    );
    return this.app.store.requireRun(replay.runId);
  }

  /** Interrupts a live run: its model stream and running tool are cancelled, and it can be resumed. */
  stop(runId: string): boolean {
    const live = this.live.get(runId);
    if (live === undefined) return false;
    live.controller.abort(new Error('stopped by the person'));
    return true;
  }

  /** Answers an approval the run is waiting for. */
  decide(runId: string, callId: string, decision: ApprovalDecision): void {
    const pending = this.requirePending(runId, callId);
    this.pending.delete(`${runId}:${callId}`);
    pending.resolve(decision);
  }

  /** Throws a not_found AppError unless the run is waiting here for an answer about the call. */
  requirePending(runId: string, callId: string): PendingApproval {
    const pending = this.pending.get(`${runId}:${callId}`);
    if (pending === undefined) {
      throw new AppError(
        'not_found',
        `${runId} is not waiting for an approval of ${callId}.`,
        'It may have been answered already, or the run stopped; resume it to be asked again.',
      );
    }
    return pending;
  }

  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  /** Resolves when the run's loop has ended (for tests and shutdown). */
  async settled(runId: string): Promise<LoopOutcome | undefined> {
    return this.live.get(runId)?.done;
  }

  async close(): Promise<void> {
    const running = [...this.live.values()];
    for (const live of running) live.controller.abort(new Error('Looplab is closing'));
    await Promise.allSettled(running.map((live) => live.done));
  }

  private gate(): ApprovalGate {
    return {
      decide: (request, signal) =>
        new Promise<ApprovalDecision>((resolve, reject) => {
          const key = `${request.runId}:${request.callId}`;
          this.pending.set(key, { resolve });
          signal.addEventListener(
            'abort',
            () => {
              this.pending.delete(key);
              reject(signal.reason);
            },
            { once: true },
          );
        }),
    };
  }

  private progressOf(runId: string): (progress: LoopProgress) => void {
    return (progress) => {
      if (progress.type !== 'event') this.onProgress(runId, progress);
    };
  }

  private failed(runId: string, error: unknown): LoopOutcome {
    const info: ErrorInfo =
      error instanceof AppError
        ? error.toInfo()
        : { code: 'internal', message: `Looplab failed: ${error instanceof Error ? error.message : String(error)}` };
    this.onFailure(runId, info);
    return { status: 'interrupted', reason: info.hint === undefined ? info.message : `${info.message} ${info.hint}` };
  }

  private releaseLease(runId: string): void {
    try {
      this.app.owners.release(runId);
    } catch {
      // Reported by failed(); the lease is released on the next open or resume.
    }
  }

  private launch(
    runId: string,
    model: ReadyModel,
    config: LoopConfig,
    models: ModelResolver,
    gate: ApprovalGate = this.gate(),
  ): void {
    const loop = createRunLoop({
      app: this.app,
      runId,
      model,
      models,
      config,
      gate,
      onProgress: this.progressOf(runId),
    });
    this.track(runId, (signal) => loop.run(signal));
  }

  /** Drives a run's work in the background, holding its lease and releasing its sandbox at the end. */
  private track(runId: string, work: (signal: AbortSignal) => Promise<LoopOutcome>): void {
    const controller = new AbortController();
    this.app.owners.claim(runId);
    const done = work(controller.signal)
      .catch((error: unknown) => this.failed(runId, error))
      .finally(async () => {
        this.live.delete(runId);
        // On a full disk the lease stays; resume sees it is this process's own and goes on.
        this.releaseLease(runId);
        this.app.snapshots.forget(runId);
        await this.app.sandbox.release(runId).catch(() => undefined);
      });
    this.live.set(runId, { controller, done });
  }
}

/** A run's runtime, for the readiness check of its replay (the sandbox unless it ran on this machine). */
function recordedRuntime(run: RunSummary): LoopConfig {
  return loopConfigSchema.parse({ runtime: run.runtime, network: run.network });
}
