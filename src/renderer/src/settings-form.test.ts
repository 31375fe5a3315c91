import { describe, expect, it } from 'vitest';
import { checkPatch, suggestedRule } from './settings-form';

describe('the settings form', () => {
  it('suggests an allow rule from the call: a command by its first word, a file by its path', () => {
    expect([
      suggestedRule('bash', { command: 'pip install  numpy pandas' }),
      suggestedRule('bash', { command: 'ls' }),
      suggestedRule('write', { path: 'notes/a.md', content: 'x' }),
      suggestedRule('plan', { items: [] }),
      suggestedRule('read', undefined),
    ]).toEqual([
      { tool: 'bash', arg: 'command', pattern: 'pip *', action: 'allow' },
      { tool: 'bash', arg: 'command', pattern: 'ls', action: 'allow' },
      { tool: 'write', arg: 'path', pattern: 'notes/a.md', action: 'allow' },
      { tool: 'plan', action: 'allow' },
      { tool: 'read', action: 'allow' },
    ]);
  });

  it('names each bad field of a change by its path, and passes a good one', () => {
    expect(checkPatch({ sandbox: { cpus: Number.NaN, pids: 4, network: 'none' } })).toEqual({
      ok: false,
      errors: {
        'sandbox.cpus': 'Invalid input: expected number, received NaN',
        'sandbox.pids': 'Too small: expected number to be >=16',
      },
    });
    expect(checkPatch({ budget: { maxSteps: 1000 } })).toEqual({
      ok: true,
      patch: { budget: { maxSteps: 1000 } },
    });
  });
});
