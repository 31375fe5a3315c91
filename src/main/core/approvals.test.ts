import { describe, expect, it } from 'vitest';
import { decideApproval } from './approvals';

describe('approval rules', () => {
  const rules = [
    { tool: 'bash', arg: 'command', pattern: 'rm *', action: 'deny' as const },
    { tool: 'bash', arg: 'command', pattern: 'pip install ?*', action: 'ask' as const },
    { tool: 'write', action: 'ask' as const },
  ];

  it('takes the first matching rule, then the default for the risk class', () => {
    expect([
      decideApproval(rules, 'bash', 'exec', { command: 'rm -rf data' }),
      decideApproval(rules, 'bash', 'exec', { command: 'pip install torch' }),
      decideApproval(rules, 'bash', 'exec', { command: 'python3 train.py' }),
      decideApproval(rules, 'write', 'write', { path: 'a.py', content: '' }),
      decideApproval(rules, 'job_start', 'gpu', { command: 'train' }),
      decideApproval([{ tool: '*', action: 'deny' }], 'read', 'read', { path: 'a' }),
    ]).toEqual([
      { action: 'deny', rule: 'deny bash where command matches "rm *"' },
      { action: 'ask', rule: 'ask bash where command matches "pip install ?*"' },
      { action: 'allow', rule: 'default for exec tools' },
      { action: 'ask', rule: 'ask write' },
      { action: 'ask', rule: 'default for gpu tools' },
      { action: 'deny', rule: 'deny *' },
    ]);
  });

  it('treats glob characters as globs and everything else literally', () => {
    const literal = [{ tool: 'bash', arg: 'command', pattern: 'ls (a|b)', action: 'deny' as const }];
    expect(decideApproval(literal, 'bash', 'exec', { command: 'ls a' }).action).toBe('allow');
    expect(decideApproval(literal, 'bash', 'exec', { command: 'ls (a|b)' }).action).toBe('deny');
  });

  it('matches tool names by glob, one MCP server at a time', () => {
    const rules = [{ tool: 'mcp__calc__*', action: 'allow' as const }];
    expect(decideApproval(rules, 'mcp__calc__add', 'network', { a: 1 })).toEqual({
      action: 'allow',
      rule: 'allow mcp__calc__*',
    });
    expect(decideApproval(rules, 'mcp__calculus__add', 'network', {}).rule).toBe('default for network tools');
    expect(decideApproval([{ tool: 'mcp__calc__add', action: 'deny' }], 'mcp__calc__addx', 'network', {}).action).toBe(
      'ask',
    );
  });
});
