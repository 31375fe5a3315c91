// What a model call costs, so each node of a run shows its price and a loop can stop at its money
// budget. The table is a default that goes stale: settings can override any entry (or add local
// servers at 0), and an unknown remote model has no price rather than a made-up one.
import type { TokenUsage } from '../core/model';

export interface Price {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
}

export type PriceTable = Readonly<Record<string, Price>>;

/**
 * USD per million tokens, from OpenAI's and Anthropic's published price pages as of 2025-11 (standard
 * tier, no batch or cache discounts). Keys match a model name and its dated snapshots by prefix.
 */
export const defaultPrices: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
};

/** Providers that run on the person's own machine. */
const localProviders = new Set(['ollama']);

export type { TokenUsage };

/** Anthropic's prompt cache: a write costs 1.25 times the input price (5-minute cache), a read 0.1 times. */
const CACHE_WRITE_FACTOR = 1.25;
const CACHE_READ_FACTOR = 0.1;

/**
 * The USD cost of one call to `provider/model` (or a bare model name), or undefined when its price is
 * unknown. An override keyed by the full name wins; otherwise overrides replace table entries.
 */
export function costOf(modelName: string, usage: TokenUsage, overrides: PriceTable = {}): number | undefined {
  const price = priceOf(modelName, overrides);
  if (!price) return undefined;
  const read = usage.cacheReadTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const fresh = Math.max(0, usage.inputTokens - read - written);
  const input = fresh + written * CACHE_WRITE_FACTOR + read * CACHE_READ_FACTOR;
  return (input * price.input + usage.outputTokens * price.output) / 1_000_000;
}

export function priceOf(modelName: string, overrides: PriceTable = {}): Price | undefined {
  const slash = modelName.indexOf('/');
  const provider = slash > 0 ? modelName.slice(0, slash) : undefined;
  const model = slash > 0 ? modelName.slice(slash + 1) : modelName;
  if (overrides[modelName]) return overrides[modelName];
  if (provider && localProviders.has(provider)) return { input: 0, output: 0 };
  // One merged table, so an override for `gpt-4o` does not swallow `gpt-4o-mini`.
  return byPrefix({ ...defaultPrices, ...overrides }, model);
}

/** The longest key that the model name starts with, at a word boundary (`gpt-4o` is not `gpt-4o-mini`). */
function byPrefix(table: PriceTable, model: string): Price | undefined {
  const name = model.toLowerCase();
  const key = Object.keys(table)
    .filter((candidate) => name === candidate || name.startsWith(`${candidate}-`))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : table[key];
}
