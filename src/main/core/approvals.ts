// Approval rules a person can read: per tool and per argument pattern, allow / ask / deny. The first
// matching rule wins; after the run's own rules come the defaults by risk class.
import type { ApprovalAction, ApprovalRule } from '../../shared/loop-config';
import type { ToolRisk } from './tool';

/** Inside the sandbox, reading, writing and running code are the work itself; leaving it is not. */
export const defaultActions: Record<ToolRisk, ApprovalAction> = {
  read: 'allow',
  write: 'allow',
  exec: 'allow',
  network: 'ask',
  gpu: 'ask',
  publish: 'ask',
};

export interface ApprovalVerdict {
  action: ApprovalAction;
  /** The rule that decided, as a person would write it, or `default for <risk>`. */
  rule: string;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${escaped}$`);
}

function argumentText(input: unknown, arg: string): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as Record<string, unknown>)[arg];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function describeRule(rule: ApprovalRule): string {
  const where = rule.arg === undefined ? '' : ` where ${rule.arg} matches "${rule.pattern}"`;
  return `${rule.action} ${rule.tool}${where}`;
}

export function matches(rule: ApprovalRule, tool: string, input: unknown): boolean {
  if (rule.tool !== tool && !(rule.tool.includes('*') && globToRegExp(rule.tool).test(tool))) return false;
  if (rule.arg === undefined || rule.pattern === undefined) return true;
  const text = argumentText(input, rule.arg);
  return text !== undefined && globToRegExp(rule.pattern).test(text);
}

export function decideApproval(
  rules: readonly ApprovalRule[],
  tool: string,
  risk: ToolRisk,
  input: unknown,
): ApprovalVerdict {
  const rule = rules.find((candidate) => matches(candidate, tool, input));
  // Publishing leaves this machine for good: a person is asked every time, whatever a rule allows.
  if (rule?.action === 'allow' && risk === 'publish')
    return { action: 'ask', rule: `publishing always asks ("${describeRule(rule)}" does not cover it)` };
  if (rule !== undefined) return { action: rule.action, rule: describeRule(rule) };
  return { action: defaultActions[risk], rule: `default for ${risk} tools` };
}
