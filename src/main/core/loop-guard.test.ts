import { describe, expect, it } from 'vitest';
import { canonical, judge, repetitions, type CallRecord } from './loop-guard';

const call = (tool: string, args: unknown, output = 'same'): CallRecord => ({ tool, args, output });

describe('loop guard', () => {
  it('counts identical calls and short cycles, with arguments compared canonically', () => {
    const a = call('read', { path: 'a', limit: 5 });
    const aReordered = call('read', { limit: 5, path: 'a' });
    const b = call('bash', { command: 'ls' });
    expect(repetitions([a, aReordered, a])).toEqual({ cycle: 1, times: 3 });
    expect(repetitions([b, a, b, a, b, a])).toEqual({ cycle: 2, times: 3 });
    expect(repetitions([a, b, call('read', { path: 'c' })])).toEqual({ cycle: 1, times: 1 });
    expect(canonical({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('warns at three repetitions and stalls after the warning is ignored', () => {
    const a = call('read', { path: 'log' });
    expect(judge([a, a], false)).toEqual({ kind: 'ok' });
    expect(judge([a, a, a], false).kind).toBe('warn');
    expect(judge([a, a, a, a], true)).toEqual({
      kind: 'stall',
      message: 'Stopped: the same read call repeated 4 times with identical results.',
    });
    expect(judge([a, a, a, a, a], false).kind).toBe('stall');
  });

  it('does not count calls whose results change', () => {
    const polls = [1, 2, 3, 4, 5, 6].map((step) => call('read', { path: 'log' }, `epoch ${step}`));
    expect(judge(polls, false)).toEqual({ kind: 'ok' });
  });
});
