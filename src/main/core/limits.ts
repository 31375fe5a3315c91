// The run's limits, checked before each step: steps, tokens, money and wall time, as the run's events
// count them (a compaction's model call included).
import type { LoopConfig } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';
import type { LoopOutcome } from './loop-types';

/** How the run stops when a limit is reached, or undefined while none is. */
export function limitReached(summary: RunSummary, config: LoopConfig, now: number): LoopOutcome | undefined {
  const { maxSteps, budget } = config;
  const stopped = (reason: string): LoopOutcome => ({ status: 'stopped', reason });
  const used = summary.inputTokens + summary.outputTokens;
  if (summary.steps >= maxSteps) return stopped(`Step limit of ${maxSteps} reached.`);
  if (budget.tokens !== undefined && used >= budget.tokens)
    return stopped(`Token budget of ${budget.tokens} reached (${used} used).`);
  if (budget.costUsd !== undefined && summary.cost >= budget.costUsd)
    return stopped(`Cost budget of $${budget.costUsd} reached ($${summary.cost.toFixed(4)} spent).`);
  const elapsed = now - summary.createdAt;
  if (budget.wallMs !== undefined && elapsed >= budget.wallMs)
    return stopped(`Time budget of ${Math.round(budget.wallMs / 1000)} s reached.`);
  return undefined;
}
