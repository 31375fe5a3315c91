// `looplab fork <run-id> --at <seq>`: a new run from one of a run's events, with the conversation and
// the workspace files as they were there, going on with a new message, another model or the other
// answer to an approval; driven from the terminal like `looplab run`.
import { loopConfigSchema } from '../../shared/loop-config';
import { createApp } from '../app';
import type { ApprovalDecision } from '../core/ports';
import { createFork, forkGate, forkPoint } from '../runs/fork';
import { readyModel } from '../runs/readiness';
import { checkRuntime, raiseLimits } from '../runs/run-loop';
import { drive, type RunCommandOptions } from './run';

export interface ForkCommandOptions {
  seq: number;
  message?: string | undefined;
  decision?: ApprovalDecision | undefined;
}

export async function forkRun(runId: string, fork: ForkCommandOptions, options: RunCommandOptions): Promise<number> {
  const app = createApp({ home: options.home, host: 'web' });
  try {
    // Checked before the model server is asked anything: a wrong run or step says so at once.
    const point = forkPoint(app, runId, fork.seq, fork);
    const model = await readyModel(
      options.models,
      options.model ?? point.model,
      options.contextLength,
      options.progress,
    );
    const base = point.config ?? loopConfigSchema.parse({});
    await checkRuntime(app, base);
    const childId = await createFork(app, point, { model: model.name, message: fork.message });
    options.progress(`${childId}  forked from ${runId} at event #${fork.seq}\n`);
    const limits = {
      maxSteps: options.maxSteps,
      budget: {
        tokens: options.maxTokens,
        costUsd: options.maxCost,
        wallMs: options.maxTimeSeconds === undefined ? undefined : options.maxTimeSeconds * 1000,
      },
    };
    const config = raiseLimits(app, childId, base, limits);
    return await drive(app, childId, model, config, options, (gate) => forkGate(gate, point.pending, fork.decision));
  } finally {
    app.close();
  }
}
