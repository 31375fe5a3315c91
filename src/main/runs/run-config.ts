// A run's constraints over its life: those it was started with, raised by a resume, added to by the
// person's answers ("always allow this"), and what they become on this machine's runtime.
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import { withLimits, type Budget, type LoopConfig } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';
import { runRecorder, type RunDeps } from './run-deps';
import { trustedConfig } from './run-trust';

export interface Limits {
  maxSteps?: number | undefined;
  budget?: Budget | undefined;
}

/**
 * The run's constraints as recorded: those it started with, with any limits raised on a resume and
 * any rules the person added (first, newest first).
 */
export function recordedConfig(events: readonly RunEvent[]): LoopConfig | undefined {
  const created = events.find((event) => event.type === 'run.created');
  if (created?.type !== 'run.created' || created.payload.config === undefined) return undefined;
  let config = created.payload.config;
  for (const event of events) {
    if (event.type === 'run.limits') config = withLimits(config, event.payload);
    if (event.type === 'run.rule') config = { ...config, rules: [event.payload.rule, ...config.rules] };
  }
  return config;
}

/**
 * The constraints a run really gets: on this machine's runtime every command asks first, whatever
 * the other rules say.
 */
export function effectiveConfig(config: LoopConfig): LoopConfig {
  if (config.runtime !== 'host') return config;
  return { ...config, rules: [{ tool: 'bash', action: 'ask' }, ...config.rules] };
}

/** The run and the constraints it was started with, when it can be resumed. */
export function resumable(
  deps: Pick<RunDeps, 'store' | 'owners'>,
  runId: string,
): { run: RunSummary; config: LoopConfig | undefined } {
  const run = deps.store.requireRun(runId);
  const owner = deps.owners.liveOwner(runId);
  // A lease of this very process is stale: it could not be released when its data folder failed.
  if (owner !== undefined && owner !== process.pid) {
    throw new AppError(
      'conflict',
      `${runId} is being driven by process ${owner}.`,
      'Wait for it, or stop that process first.',
    );
  }
  if (run.status === 'finished') {
    throw new AppError(
      'conflict',
      `${runId} has finished; there is nothing to resume.`,
      'Start a new run, or fork this one.',
    );
  }
  // A run from elsewhere goes on in the sandbox only, without its recorded evaluation or MCP servers.
  return { run, config: trustedConfig(deps, runId, recordedConfig(deps.store.loadEvents(runId))) };
}

/**
 * Applies limits given to a resume and records them, so a later resume keeps them. Nothing is
 * recorded when none were given.
 */
export function raiseLimits(deps: RunDeps, runId: string, config: LoopConfig, limits: Limits): LoopConfig {
  const given = {
    ...(limits.maxSteps === undefined ? {} : { maxSteps: limits.maxSteps }),
    ...(limits.budget === undefined || Object.values(limits.budget).every((value) => value === undefined)
      ? {}
      : { budget: limits.budget }),
  };
  if (Object.keys(given).length === 0) return config;
  runRecorder(deps, runId, config).record([{ type: 'run.limits', payload: given }]);
  return withLimits(config, given);
}
