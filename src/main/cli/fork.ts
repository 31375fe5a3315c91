// `looplab fork <run-id> --at <seq>`: a new run from one of a run's events, with the conversation and
// the workspace files as they were there, going on with a new message, another model or the other
// answer to an approval; driven from the terminal like `looplab run`.
import type { ApprovalDecision } from '../core/ports';
import { drive, limitsOf, withRunService, type RunCommandOptions } from './run';

export interface ForkCommandOptions {
  seq: number;
  message?: string | undefined;
  decision?: ApprovalDecision | undefined;
}

export async function forkRun(runId: string, fork: ForkCommandOptions, options: RunCommandOptions): Promise<number> {
  return withRunService(options, async (app, service) => {
    const run = await service.fork({
      runId,
      ...fork,
      model: options.model,
      contextLength: options.contextLength,
      limits: limitsOf(options),
    });
    options.progress(`${run.runId}  forked from ${runId} at event #${fork.seq}\n`);
    return drive(app, service, run, options);
  });
}
