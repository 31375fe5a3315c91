// What Resume sends for a run that a limit stopped: the same allowance again on top of what it used
// (steps, tokens, money, wall time), so the resumed loop does not stop at once on the same limit.
import type { RequestInput } from '../../shared/contract';
import { totalTokens } from '../../shared/format';
import type { LoopConfig } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';

export type ResumeInput = RequestInput<'runs.resume'>;

export interface ResumePlan {
  input: ResumeInput;
  /** Words for the button when a limit is raised ("+50 steps"), else undefined. */
  raise: string | undefined;
}

export function resumePlan(summary: RunSummary, config: LoopConfig | undefined, now: number): ResumePlan {
  const input: ResumeInput = { runId: summary.id };
  if (summary.status !== 'stopped' || config === undefined) return { input, raise: undefined };
  const { maxSteps, budget } = config;
  if (summary.steps >= maxSteps) {
    const raise = `+${maxSteps} ${maxSteps === 1 ? 'step' : 'steps'}`;
    return { input: { ...input, maxSteps: summary.steps + maxSteps }, raise };
  }
  const used = totalTokens(summary);
  if (budget.tokens !== undefined && used >= budget.tokens) {
    return { input: { ...input, budget: { tokens: used + budget.tokens } }, raise: `+${budget.tokens} tokens` };
  }
  if (budget.costUsd !== undefined && summary.cost >= budget.costUsd) {
    return { input: { ...input, budget: { costUsd: summary.cost + budget.costUsd } }, raise: `+$${budget.costUsd}` };
  }
  const elapsed = now - summary.createdAt;
  if (budget.wallMs !== undefined && elapsed >= budget.wallMs) {
    const seconds = Math.round(budget.wallMs / 1000);
    return { input: { ...input, budget: { wallMs: elapsed + budget.wallMs } }, raise: `+${seconds} s` };
  }
  return { input, raise: undefined };
}
