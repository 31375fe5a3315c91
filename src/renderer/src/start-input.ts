// The start-a-run form's values turned into a `runs.start` request: numbers checked, "ask before"
// boxes turned into approval rules a person can read later in the run's config.
import type { RequestInput } from '../../shared/contract';
import type { ApprovalRule } from '../../shared/loop-config';
import type { RunSummary } from '../../shared/run-summary';
import { maxStepsRule, tokensRule } from './number-rules';
import { readNumber } from './number-text';

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

export function toStartInput(values: StartFormValues): StartCheck {
  const goal = values.goal.trim();
  if (goal === '') return { ok: false, error: 'Say what the run should do.' };
  const maxSteps = readNumber(values.maxSteps, maxStepsRule);
  if (!maxSteps.ok) return { ok: false, error: `Max steps: ${maxSteps.error}.` };
  const tokens = readNumber(values.tokenBudget, tokensRule);
  if (!tokens.ok) return { ok: false, error: `Token budget: ${tokens.error}.` };
  const rules: ApprovalRule[] = askTools
    .filter((tool) => values.askBefore[tool])
    .map((tool) => ({ tool, action: 'ask' }));
  const input: StartInput = { goal, model: values.model.trim() || DEFAULT_MODEL };
  if (maxSteps.value !== undefined) input.maxSteps = maxSteps.value;
  if (rules.length > 0) input.rules = rules;
  if (tokens.value !== undefined) input.budget = { tokens: tokens.value };
  if (values.hostRuntime) input.runtime = 'host';
  return { ok: true, input };
}

/** Models to offer: those of past runs, most recently used first, and the default. */
export function knownModels(runs: readonly RunSummary[]): string[] {
  const byRecency = [...runs].sort((a, b) => b.updatedAt - a.updatedAt).map((run) => run.model);
  return [...new Set([...byRecency, DEFAULT_MODEL])].filter((model) => model !== '');
}
