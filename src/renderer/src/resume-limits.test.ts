import { describe, expect, it } from 'vitest';
import { loopConfigSchema } from '../../shared/loop-config';
import { emptySummary, type RunSummary } from '../../shared/run-summary';
import { resumePlan } from './resume-limits';

const stopped = (patch: Partial<RunSummary>): RunSummary => ({
  ...emptySummary('run_a', 1000),
  status: 'stopped',
  ...patch,
});

describe('resume plan', () => {
  it('raises the limit that stopped the run by the same allowance again', () => {
    const config = loopConfigSchema.parse({ maxSteps: 10, budget: { tokens: 5000, wallMs: 60_000 } });
    expect(resumePlan(stopped({ steps: 10 }), config, 2000)).toEqual({
      input: { runId: 'run_a', maxSteps: 20 },
      raise: '+10 steps',
    });
    expect(resumePlan(stopped({ steps: 3, inputTokens: 5000, outputTokens: 200 }), config, 2000)).toEqual({
      input: { runId: 'run_a', budget: { tokens: 10_200 } },
      raise: '+5000 tokens',
    });
    expect(resumePlan(stopped({ steps: 3 }), config, 71_000)).toEqual({
      input: { runId: 'run_a', budget: { wallMs: 130_000 } },
      raise: '+60 s',
    });
  });

  it('resumes as it was when no limit stopped the run', () => {
    const config = loopConfigSchema.parse({});
    expect(resumePlan(stopped({ steps: 3 }), config, 2000)).toEqual({ input: { runId: 'run_a' }, raise: undefined });
    expect(resumePlan({ ...stopped({ steps: 50 }), status: 'interrupted' }, config, 2000).raise).toBeUndefined();
    expect(resumePlan(stopped({ steps: 50 }), undefined, 2000).raise).toBeUndefined();
  });
});
