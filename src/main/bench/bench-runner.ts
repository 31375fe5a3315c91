// Runs a bench: every task by every model, `seeds` times, each as an ordinary run of the task's loop spec
// (so it can be opened, replayed and compared), a few at a time. Unattended: the sandbox is the boundary,
// so what asks is approved, a run that repeats itself stops as stalled, and the person's own rules and
// default MCP servers stay out so that benches on different machines measure the same thing. A bench
// interrupted part-way goes on with `resume`: runs it never started start, runs it left unfinished resume.
import { cpus, totalmem } from 'node:os';
import type { BenchPlan, BenchSummary } from '../../shared/bench';
import { terminalStatuses, type RunStatus } from '../../shared/events';
import { AppError } from '../../shared/errors';
import type { ApprovalGate } from '../core/ports';
import type { ModelResolver } from '../runs/readiness';
import type { RunDeps } from '../runs/run-deps';
import { RunService } from '../runs/run-service';
import type { BenchRecord, BenchSlot } from '../store/bench-records';
import { benchSummary } from './bench-results';
import { pickBenchTasks, taskInfo, type BenchTask } from './bench-tasks';
import { agentActions, withScriptedAgents } from './scripted-agents';
import { isScriptedModel } from '../../shared/scripted-model';

export interface BenchRequest {
  tasks: readonly string[];
  models: readonly string[];
  seeds: number;
  concurrency?: number | undefined;
}

/** What a bench tells as it goes: a run started, or ended with its status. */
export type BenchProgress =
  | { type: 'started'; slot: BenchSlot; runId: string; resumed: boolean }
  | { type: 'ended'; slot: BenchSlot; runId: string; status: RunStatus }
  | { type: 'failed'; slot: BenchSlot; message: string };

const GIB = 1024 ** 3;

/**
 * How many runs at once: one for a model served by this machine's Ollama (it answers one at a time on
 * one GPU), else half the cores, at most one per 4 GiB of memory (a sandbox's default limit), at most 4.
 */
export function defaultConcurrency(models: readonly string[], cores = cpus().length, memory = totalmem()): number {
  if (models.some((model) => model.startsWith('ollama/'))) return 1;
  return Math.max(1, Math.min(4, Math.floor(cores / 2), Math.floor(memory / (4 * GIB))));
}

/** The unattended gate: what asks in a bench run is approved (the sandbox contains it); a stall stops it. */
const benchGate: ApprovalGate = {
  decide: (request) =>
    Promise.resolve(
      request.kind === 'stall'
        ? { decision: 'rejected', by: 'policy', feedback: 'A bench run that repeats itself stops.' }
        : { decision: 'approved' },
    ),
};

export class BenchRunner {
  constructor(
    private readonly deps: RunDeps,
    private readonly models: () => ModelResolver,
    private readonly onProgress: (progress: BenchProgress) => void = () => undefined,
  ) {}

  /** Records a new bench of the tasks named (all when none is). */
  plan(request: BenchRequest): BenchRecord {
    if (request.models.length === 0)
      throw new AppError(
        'invalid_input',
        'A bench needs at least one --model.',
        'e.g. --model ollama/qwen2.5-coder:7b',
      );
    const tasks = pickBenchTasks(request.tasks);
    for (const model of request.models) this.checkModel(model, tasks);
    const plan: BenchPlan = {
      tasks: tasks.map(taskInfo),
      models: [...new Set(request.models)],
      seeds: request.seeds,
      concurrency: request.concurrency ?? defaultConcurrency(request.models),
    };
    return this.deps.store.benches.create(plan);
  }

  /** A model name that cannot run is refused before anything is recorded (a scripted agent a task lacks). */
  private checkModel(model: string, tasks: readonly BenchTask[]): void {
    for (const task of tasks) withScriptedAgents(this.models, task).resolve(model);
    if (isScriptedModel(model)) for (const task of tasks) agentActions(task, model.slice(model.indexOf('/') + 1));
  }

  /** The bench to go on with: the one named, else the latest that did not finish. */
  toResume(benchId?: string): BenchRecord {
    const benches = this.deps.store.benches;
    const record =
      benchId === undefined ? benches.list().find((bench) => bench.finishedAt === null) : benches.get(benchId);
    if (record === undefined)
      throw new AppError(
        'not_found',
        benchId === undefined ? 'There is no unfinished bench to resume.' : `There is no bench ${benchId}.`,
        'looplab bench --list shows the benches.',
      );
    return record;
  }

  /** Runs every slot not yet ended, `concurrency` at a time, and marks the bench finished. */
  async run(record: BenchRecord, signal: AbortSignal): Promise<BenchSummary> {
    const tasks = new Map(pickBenchTasks(record.plan.tasks.map((task) => task.task)).map((task) => [task.task, task]));
    const pending = record.slots.filter((slot) => !this.ended(slot));
    const workers = Array.from({ length: Math.min(record.plan.concurrency, pending.length) }, async () => {
      for (let slot = pending.shift(); slot !== undefined && !signal.aborted; slot = pending.shift())
        await this.runSlot(record.id, slot, tasks.get(slot.task)!, signal);
    });
    await Promise.all(workers);
    // The slots as recorded now: each run started here was set on its slot.
    const now = this.deps.store.benches.get(record.id);
    if (!signal.aborted && now?.slots.every((slot) => this.ended(slot)) === true)
      this.deps.store.benches.finish(record.id);
    return this.summary(record.id);
  }

  summary(benchId: string): BenchSummary {
    const record = this.deps.store.benches.get(benchId);
    if (record === undefined) throw new AppError('not_found', `There is no bench ${benchId}.`);
    return benchSummary(record, (runId) => this.deps.store.getRun(runId));
  }

  private ended(slot: BenchSlot): boolean {
    if (slot.runId === null) return false;
    const run = this.deps.store.getRun(slot.runId);
    return run !== undefined && terminalStatuses.includes(run.status);
  }

  private async runSlot(benchId: string, slot: BenchSlot, task: BenchTask, signal: AbortSignal): Promise<void> {
    const service = new RunService(this.deps, () => withScriptedAgents(this.models, task));
    try {
      const resumable = slot.runId !== null && this.deps.store.getRun(slot.runId) !== undefined;
      const run = resumable
        ? await service.resume(slot.runId!)
        : await service.startSpec({ spec: task.spec, params: {}, model: slot.model, defaults: {} });
      if (!resumable) this.deps.store.benches.setRun(benchId, slot, run.runId);
      this.onProgress({ type: 'started', slot, runId: run.runId, resumed: resumable });
      const outcome = await service.drive(run, { gate: benchGate }, signal);
      this.onProgress({ type: 'ended', slot, runId: run.runId, status: outcome.status });
    } catch (error) {
      this.onProgress({ type: 'failed', slot, message: error instanceof Error ? error.message : String(error) });
    }
  }
}
