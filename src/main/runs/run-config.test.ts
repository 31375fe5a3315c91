import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events';
import { loopConfigSchema } from '../../shared/loop-config';
import { recordedConfig } from './run-config';

const at = (seq: number, event: Pick<RunEvent, 'type' | 'payload'>): RunEvent =>
  ({ runId: 'run_x', seq, time: seq, ...event }) as RunEvent;

describe('recorded config', () => {
  it('is the config a run started with, with limits raised on later resumes applied in order', () => {
    const config = loopConfigSchema.parse({ maxSteps: 1, budget: { tokens: 1000, costUsd: 1 } });
    const events = [
      at(0, { type: 'run.created', payload: { goal: 'g', model: 'ollama/m', origin: 'new', config } }),
      at(1, { type: 'run.limits', payload: { maxSteps: 5 } }),
      at(2, { type: 'run.limits', payload: { budget: { tokens: 5000 } } }),
    ];
    expect(recordedConfig(events)).toEqual({ ...config, maxSteps: 5, budget: { tokens: 5000, costUsd: 1 } });
    expect(recordedConfig(events.slice(0, 1))).toEqual(config);
    expect(
      recordedConfig([at(0, { type: 'run.created', payload: { goal: 'g', model: 'ollama/m', origin: 'new' } })]),
    ).toBeUndefined();
  });
});
