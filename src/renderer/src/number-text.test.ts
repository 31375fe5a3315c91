// Number fields read as a person types them: separators, k / M counts where allowed, and each rule's
// bounds, with the words a wrong value shows; the bounds match what the shared schemas accept.
import { describe, expect, it } from 'vitest';
import { settingsPatchSchema } from '../../shared/settings';
import { costRule, cpusRule, maxStepsRule, memoryMbRule, pidsRule, tokensRule } from './number-rules';
import { describeRule, readNumber, readNumbers, type NumberRule } from './number-text';

describe('number fields', () => {
  it('reads empty as not set, and numbers with separators, decimals and k / M where allowed', () => {
    expect([
      readNumber('  ', maxStepsRule),
      readNumber('1,500', maxStepsRule),
      readNumber('1_000', { whole: true }),
      readNumber('1.5M', tokensRule),
      readNumber('200k', tokensRule),
      readNumber('0.5', costRule),
      readNumber('2.', cpusRule),
    ]).toEqual([
      { ok: true, value: undefined },
      { ok: true, value: 1500 },
      { ok: true, value: 1000 },
      { ok: true, value: 1_500_000 },
      { ok: true, value: 200_000 },
      { ok: true, value: 0.5 },
      { ok: true, value: 2 },
    ]);
  });

  it('refuses what its rule does not allow, in the words shown under the field', () => {
    expect(readNumber('two', cpusRule)).toEqual({ ok: false, error: 'a number above 0, at most 256' });
    expect(readNumber('2.5', maxStepsRule)).toEqual({ ok: false, error: 'a whole number from 1 to 10000' });
    expect(readNumber('20000', maxStepsRule).ok).toBe(false);
    expect(readNumber('0', maxStepsRule).ok).toBe(false);
    expect(readNumber('5k', maxStepsRule).ok).toBe(false);
    expect(readNumber('0', tokensRule)).toEqual({ ok: false, error: 'a whole number above 0 (like 200000 or 200k)' });
    expect(readNumber('-1', costRule)).toEqual({ ok: false, error: 'a number above 0' });
    expect(readNumber('1e3', { whole: true })).toEqual({ ok: false, error: 'a whole number' });
    expect(describeRule(pidsRule)).toBe('a whole number from 16 to 1000000');
    expect(describeRule({ min: 1 })).toBe('a number of at least 1');
    expect(describeRule({ max: 9 })).toBe('a number of at most 9');
  });

  it('reads several fields at once: the values set, or every wrong one by its key', () => {
    expect(readNumbers({ cpus: { text: '2', rule: cpusRule }, pids: { text: '', rule: pidsRule } })).toEqual({
      ok: true,
      values: { cpus: 2 },
    });
    expect(
      readNumbers({
        cpus: { text: 'x', rule: cpusRule },
        memoryMb: { text: '8', rule: memoryMbRule },
        pids: { text: '64', rule: pidsRule },
      }),
    ).toEqual({
      ok: false,
      errors: { cpus: 'a number above 0, at most 256', memoryMb: 'a whole number from 64 to 4194304' },
    });
  });

  it('allows exactly what the settings schema allows at each bound', () => {
    const fields: [string, 'budget' | 'sandbox', NumberRule, number[]][] = [
      ['maxSteps', 'budget', maxStepsRule, [0, 1, 10_000, 10_001, 2.5]],
      ['tokens', 'budget', tokensRule, [0, 1, 1.5]],
      ['costUsd', 'budget', costRule, [0, 0.01, -1]],
      ['cpus', 'sandbox', cpusRule, [0, 0.5, 256, 257]],
      ['memoryMb', 'sandbox', memoryMbRule, [63, 64, 4_194_304, 4_194_305, 100.5]],
      ['pids', 'sandbox', pidsRule, [15, 16, 1_000_000, 1_000_001, 20.5]],
    ];
    for (const [key, section, rule, values] of fields) {
      for (const value of values) {
        const patch = { [section]: { [key]: value, ...(section === 'sandbox' ? { network: 'none' } : {}) } };
        const schema = settingsPatchSchema.safeParse(patch).success;
        expect({ key, value, ok: readNumber(String(value), rule).ok }).toEqual({ key, value, ok: schema });
      }
    }
  });
});
