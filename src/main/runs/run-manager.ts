// Runs loops inside the app (Electron's main process or `looplab serve`): starts, stops and resumes
// them, and holds the approvals a person answers in the UI. Streaming text is pushed as it comes; the
// events themselves reach the UI through the store's own pushes.
import { AppError, type ErrorInfo } from '../../shared/errors';
import { loopConfigSchema, type Budget, type LoopConfig } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';
import type { LoopOutcome, LoopProgress } from '../core/loop';
import type { ApprovalDecision, ApprovalGate } from '../core/ports';
import { DEFAULT_MODEL, readyModel, type ModelResolver, type ReadyModel } from './readiness';
import { checkRuntime, createRunLoop, raiseLimits, recordableGoal, resumable, type RunHost } from './run-loop';

export interface StartRun {
  goal: string;
  model?: string | undefined;
  config?: unknown;
  contextLength?: number | undefined;
}

interface LiveRun {
  controller: AbortController;
  done: Promise<LoopOutcome>;
}

interface PendingApproval {
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
      goal: recordableGoal(input.goal),
      model: model.name,
      origin: 'new',
      config,
    }).runId;
    this.launch(runId, model, config, models);
    return this.app.store.requireRun(runId);
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

  /** Interrupts a live run: its model stream and running tool are cancelled, and it can be resumed. */
  stop(runId: string): boolean {
    const live = this.live.get(runId);
    if (live === undefined) return false;
    live.controller.abort(new Error('stopped by the person'));
    return true;
  }

  /** Answers an approval the run is waiting for. */
  decide(runId: string, callId: string, decision: ApprovalDecision): void {
    const key = `${runId}:${callId}`;
    const pending = this.pending.get(key);
    if (pending === undefined) {
      throw new AppError(
        'not_found',
        `${runId} is not waiting for an approval of ${callId}.`,
        'It may have been answered already, or the run stopped; resume it to be asked again.',
      );
    }
    this.pending.delete(key);
    pending.resolve(decision);
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

  private launch(runId: string, model: ReadyModel, config: LoopConfig, models: ModelResolver): void {
    const controller = new AbortController();
    this.app.owners.claim(runId);
    const loop = createRunLoop({
      app: this.app,
      runId,
      model,
      models,
      config,
      gate: this.gate(),
      onProgress: (progress) => {
        if (progress.type !== 'event') this.onProgress(runId, progress);
      },
    });
    const done = loop
      .run(controller.signal)
      .catch((error: unknown) => this.failed(runId, error))
      .finally(async () => {
        this.live.delete(runId);
        // On a full disk the lease stays; resume sees it is this process's own and goes on.
        this.releaseLease(runId);
        await this.app.sandbox.release(runId).catch(() => undefined);
      });
    this.live.set(runId, { controller, done });
  }
}
