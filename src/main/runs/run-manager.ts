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
import type { RunSummary } from '../../shared/run-summary';
import type { LoopOutcome, LoopProgress } from '../core/loop';
import type { ApprovalDecision, ApprovalGate } from '../core/ports';
import type { DivergenceMode } from '../core/replay';
import { checkRuntime, DEFAULT_MODEL, readyModel, type ModelResolver } from './readiness';
import { driveReplay, prepareReplay } from './replay';
import type { RunDeps } from './run-deps';
import { RunService, type ForkRun, type ReadyRun } from './run-service';
import { NO_GRANTS, type ReplayGrants } from './run-trust';

export interface StartRun {
  goal: string;
  model?: string | undefined;
  config?: unknown;
  contextLength?: number | undefined;
  /** The run this one runs again. */
  parent?: string | undefined;
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
  private readonly service: RunService;

  constructor(
    private readonly app: RunDeps,
    private readonly models: () => ModelResolver,
    /** The model's words and the tools' output as they come (events arrive through the store). */
    private readonly onProgress: (runId: string, progress: Exclude<LoopProgress, { type: 'event' }>) => void,
    /** A loop that could not go on and could not record why (its data folder failed): the UI is told. */
    private readonly onFailure: (runId: string, error: ErrorInfo) => void = () => undefined,
  ) {
    this.service = new RunService(app, models);
  }

  async start(input: StartRun): Promise<RunSummary> {
    const config = loopConfigSchema.parse(input.config ?? {});
    return this.launch(await this.service.start({ ...input, model: input.model ?? DEFAULT_MODEL, config }));
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
    const defaults = {
      model: input.defaultModel,
      ...(input.defaultRules === undefined ? {} : { rules: input.defaultRules }),
      ...(input.defaultMcpServers === undefined ? {} : { mcpServers: input.defaultMcpServers }),
    };
    return this.launch(await this.service.startSpec({ ...input, defaults }));
  }

  /** Resumes a run; a new step limit or budget lets a run stopped by one go on. */
  async resume(
    runId: string,
    limits: { maxSteps?: number | undefined; budget?: Budget | undefined } = {},
  ): Promise<RunSummary> {
    if (this.live.has(runId)) throw new AppError('conflict', `${runId} is already running.`);
    return this.launch(await this.service.resume(runId, { limits }));
  }

  /** Forks a run at one of its events (conversation and workspace as they were there) and starts the fork. */
  async fork(input: ForkRun): Promise<RunSummary> {
    return this.launch(await this.service.fork(input));
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
    const outcome = await this.live.get(runId)?.done;
    // What the run recorded last has reached the store's listeners too.
    await this.app.store.whenPublished();
    return outcome;
  }

  async close(): Promise<void> {
    const running = [...this.live.values()];
    for (const live of running) live.controller.abort(new Error('Looplab is closing'));
    await Promise.allSettled(running.map((live) => live.done));
  }

  private gate(): ApprovalGate {
    return {
      asksPeople: true,
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

  /** Drives a ready run in the background; the summary as it is now. */
  private launch(run: ReadyRun): RunSummary {
    const frontEnd = { gate: this.gate(), onProgress: this.progressOf(run.runId) };
    this.track(run.runId, (signal) => this.service.loop(run, frontEnd).run(signal));
    return this.app.store.requireRun(run.runId);
  }

  /**
   * Drives a run's work in the background, holding its lease; it is no longer live as soon as its work
   * ends, before its sandbox is released.
   */
  private track(runId: string, work: (signal: AbortSignal) => Promise<LoopOutcome>): void {
    const controller = new AbortController();
    const done = this.service.hold(
      runId,
      async (signal) => {
        try {
          return await work(signal);
        } catch (error) {
          return this.failed(runId, error);
        } finally {
          this.live.delete(runId);
        }
      },
      controller.signal,
    );
    this.live.set(runId, { controller, done });
  }
}

/** A run's runtime, for the readiness check of its replay (the sandbox unless it ran on this machine). */
function recordedRuntime(run: RunSummary): LoopConfig {
  return loopConfigSchema.parse({ runtime: run.runtime, network: run.network });
}
