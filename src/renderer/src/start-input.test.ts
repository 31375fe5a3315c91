import { describe, expect, it } from 'vitest';
import { emptySummary } from '../../shared/run-summary';
import { initialStartValues, knownModels, toStartInput } from './start-input';

describe('start input', () => {
  it('turns the form into a runs.start request with ask rules and a budget', () => {
    const values = {
      ...initialStartValues(),
      goal: '  Train a baseline  ',
      maxSteps: '20',
      askBefore: { write: true, edit: false, bash: true },
      tokenBudget: '200k',
    };
    expect(toStartInput(values)).toEqual({
      ok: true,
      input: {
        goal: 'Train a baseline',
        model: 'ollama/qwen2.5-coder:7b',
        maxSteps: 20,
        rules: [
          { tool: 'write', action: 'ask' },
          { tool: 'bash', action: 'ask' },
        ],
        budget: { tokens: 200_000 },
      },
    });
    expect(toStartInput({ ...initialStartValues(), goal: 'x', model: ' ', hostRuntime: true })).toEqual({
      ok: true,
      input: { goal: 'x', model: 'ollama/qwen2.5-coder:7b', runtime: 'host' },
    });
  });

  it('refuses what the main process would refuse, in words', () => {
    expect(toStartInput(initialStartValues())).toEqual({ ok: false, error: 'Say what the run should do.' });
    const bad = { ...initialStartValues(), goal: 'x' };
    expect(toStartInput({ ...bad, maxSteps: '2.5' })).toEqual({
      ok: false,
      error: 'Max steps: a whole number from 1 to 10000.',
    });
    expect(toStartInput({ ...bad, maxSteps: '20000' }).ok).toBe(false);
    expect(toStartInput({ ...bad, tokenBudget: 'lots' }).ok).toBe(false);
  });

  it('offers the models of past runs, most recent first, then the default', () => {
    const run = (id: string, model: string, updatedAt: number) => ({ ...emptySummary(id, 0), model, updatedAt });
    expect(knownModels([run('run_a', 'openai/gpt-4o-mini', 1), run('run_b', 'ollama/llama3.2', 2)])).toEqual([
      'ollama/llama3.2',
      'openai/gpt-4o-mini',
      'ollama/qwen2.5-coder:7b',
    ]);
  });
});
