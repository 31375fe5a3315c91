// A run's constraints as recorded are what resume, fork and replay run under: folded from its events.
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

  it('puts each rule the person added first, newest first, ahead of the rules the run started with', () => {
    const config = loopConfigSchema.parse({ rules: [{ tool: 'bash', action: 'ask' }] });
    const events = [
      at(0, { type: 'run.created', payload: { goal: 'g', model: 'ollama/m', origin: 'new', config } }),
      at(1, { type: 'run.rule', payload: { rule: { tool: 'write', action: 'allow' }, callId: 'call_1' } }),
      at(2, { type: 'run.limits', payload: { maxSteps: 9 } }),
      at(3, {
        type: 'run.rule',
        payload: { rule: { tool: 'bash', arg: 'command', pattern: 'pytest*', action: 'allow' } },
      }),
    ];
    expect(recordedConfig(events)).toEqual({
      ...config,
      maxSteps: 9,
      rules: [
        { tool: 'bash', arg: 'command', pattern: 'pytest*', action: 'allow' },
        { tool: 'write', action: 'allow' },
        { tool: 'bash', action: 'ask' },
      ],
    });
    // A resume that stopped before the second answer has only the first.
    expect(recordedConfig(events.slice(0, 2))?.rules).toEqual([
      { tool: 'write', action: 'allow' },
      { tool: 'bash', action: 'ask' },
    ]);
  });
});
