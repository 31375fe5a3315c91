import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from './prices';

describe('costOf', () => {
  it('prices remote models per million tokens, matching dated snapshots to their family', () => {
    const usage = { inputTokens: 200_000, outputTokens: 10_000 };
    expect(
      [
        'openai/gpt-4o',
        'openai/gpt-4o-2024-08-06',
        'openai/gpt-4o-mini',
        'openai/gpt-4.1-mini',
        'openai/o4-mini',
        'anthropic/claude-sonnet-4-20250514',
        'anthropic/claude-opus-4-1',
        'anthropic/claude-opus-4-5-20251101',
        'anthropic/claude-3-5-haiku-latest',
        'gpt-4.1',
      ].map((name) => Number(costOf(name, usage)?.toFixed(6))),
    ).toEqual([0.6, 0.6, 0.036, 0.096, 0.264, 0.75, 3.75, 1.25, 0.2, 0.48]);
  });

  it('prices prompt-cache reads at a tenth of the input price and writes at 1.25 times', () => {
    // 1M input tokens at $3/M: 200k fresh ($0.60), 100k written ($0.375), 700k read ($0.21).
    const usage = { inputTokens: 1_000_000, outputTokens: 0, cacheWriteTokens: 100_000, cacheReadTokens: 700_000 };
    expect(costOf('anthropic/claude-sonnet-4-6', usage)).toBeCloseTo(1.185, 9);
    expect(costOf('anthropic/claude-sonnet-4-6', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(3, 9);
  });

  it('costs nothing for local Ollama models and has no price for unknown remote ones', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(costOf('ollama/qwen2.5-coder:7b', usage)).toBe(0);
    expect(costOf('ollama/gpt-4o', usage)).toBe(0);
    expect(costOf('hf/meta-llama/Llama-3.3-70B-Instruct', usage)).toBeUndefined();
    expect(costOf('openai/gpt-4oo', usage)).toBeUndefined();
  });

  it('lets settings override the table, by full name or by model prefix', () => {
    const overrides = {
      'openai/Qwen/Qwen2.5-Coder-7B-Instruct': { input: 0, output: 0 },
      'gpt-4o': { input: 5, output: 20 },
    };
    const usage = { inputTokens: 1_000_000, outputTokens: 500_000 };
    expect(costOf('openai/Qwen/Qwen2.5-Coder-7B-Instruct', usage, overrides)).toBe(0);
    expect(costOf('openai/gpt-4o-2024-11-20', usage, overrides)).toBe(15);
    expect(costOf('openai/gpt-4o-mini', usage, overrides)).toBe(0.45);
    expect(priceOf('openai/gpt-4o')).toEqual({ input: 2.5, output: 10 });
  });
});
