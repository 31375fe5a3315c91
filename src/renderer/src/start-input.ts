// The start-a-run form's values turned into a `runs.start` request: numbers checked, "ask before"
// boxes turned into approval rules a person can read later in the run's config.
import type { RequestInput } from '../../shared/contract';
import type { ApprovalRule } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';

export const DEFAULT_MODEL = 'ollama/qwen2.5-coder:7b';
export const DEFAULT_MAX_STEPS = 50;

export const askTools = ['write', 'edit', 'bash'] as const;
export type AskTool = (typeof askTools)[number];

export interface StartFormValues {
  goal: string;
  model: string;
  maxSteps: string;
  askBefore: Record<AskTool, boolean>;
  tokenBudget: string;
  hostRuntime: boolean;
}

export function initialStartValues(): StartFormValues {
  return {
    goal: '',
    model: DEFAULT_MODEL,
    maxSteps: '',
    askBefore: { write: false, edit: false, bash: false },
    tokenBudget: '',
    hostRuntime: false,
  };
}

export type StartInput = RequestInput<'runs.start'>;
export type StartCheck = { ok: true; input: StartInput } | { ok: false; error: string };

const multipliers: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** A positive whole number; tokens may say 50k or 1.5M. Empty means "not set". */
export function parseCount(text: string, allowSuffix: boolean): number | null | undefined {
  const trimmed = text.trim().replace(/[_,\s]/g, '');
  if (trimmed === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(trimmed);
  if (match === null || (!allowSuffix && match[2] !== '')) return null;
  if (match[2] === '' && match[1]!.includes('.')) return null;
  const value = Math.round(Number(match[1]) * multipliers[match[2]!.toLowerCase()]!);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

export function toStartInput(values: StartFormValues): StartCheck {
  const goal = values.goal.trim();
  if (goal === '') return { ok: false, error: 'Say what the run should do.' };
  const maxSteps = parseCount(values.maxSteps, false);
  if (maxSteps === null || (maxSteps !== undefined && maxSteps > 10_000)) {
    return { ok: false, error: 'Max steps is a whole number from 1 to 10000.' };
  }
  const tokens = parseCount(values.tokenBudget, true);
  if (tokens === null)
    return { ok: false, error: 'The token budget is a whole number of tokens, like 200000 or 200k.' };
  const rules: ApprovalRule[] = askTools
    .filter((tool) => values.askBefore[tool])
    .map((tool) => ({ tool, action: 'ask' }));
  const input: StartInput = { goal, model: values.model.trim() || DEFAULT_MODEL };
  if (maxSteps !== undefined) input.maxSteps = maxSteps;
  if (rules.length > 0) input.rules = rules;
  if (tokens !== undefined) input.budget = { tokens };
  if (values.hostRuntime) input.runtime = 'host';
  return { ok: true, input };
}

/** Models to offer: those of past runs, most recently used first, and the default. */
export function knownModels(runs: readonly RunSummary[]): string[] {
  const byRecency = [...runs].sort((a, b) => b.updatedAt - a.updatedAt).map((run) => run.model);
  return [...new Set([...byRecency, DEFAULT_MODEL])].filter((model) => model !== '');
}
