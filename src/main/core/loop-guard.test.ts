import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../shared/events';
import { canonical, guardVerdict, GuardState, repetitions, type CallRecord } from './loop-guard';

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
    expect(guardVerdict([a, a], false)).toEqual({ kind: 'ok' });
    expect(guardVerdict([a, a, a], false).kind).toBe('warn');
    expect(guardVerdict([a, a, a, a], true)).toEqual({
      kind: 'stall',
      message: 'The agent repeated the same read call 4 times with identical results.',
    });
    expect(guardVerdict([a, a, a, a, a], false).kind).toBe('stall');
  });

  it('does not count calls whose results change', () => {
    const polls = [1, 2, 3, 4, 5, 6].map((step) => call('read', { path: 'log' }, `epoch ${step}`));
    expect(guardVerdict(polls, false)).toEqual({ kind: 'ok' });
  });

  it('folds its state from the events: warned once, counted afresh when a person lets the run go on', () => {
    let seq = 0;
    const at = (draft: EventDraft) => ({ runId: 'run_a', seq: seq++, time: 0, ...draft }) as RunEvent;
    const turn = (id: string): RunEvent[] => [
      at({ type: 'model.started', payload: { callId: `m_${id}`, model: 'm' } }),
      at({ type: 'tool.started', payload: { callId: id, tool: 'read', args: { path: 'log' } } }),
      at({ type: 'tool.finished', payload: { callId: id, output: 'same', isError: false } }),
    ];
    const guard = new GuardState();
    const feed = (events: RunEvent[]) => events.forEach((event) => guard.observe(event));
    feed([...turn('c1'), ...turn('c2'), ...turn('c3')]);
    expect(guard.verdict().kind).toBe('warn');
    feed(turn('c4'));
    expect(guard.verdict().kind).toBe('stall');
    expect(guard.lastCallId).toBe('c4');
    feed([
      at({ type: 'approval.requested', payload: { callId: 'stall_c4', tool: 'read', summary: '…', kind: 'stall' } }),
      at({ type: 'approval.resolved', payload: { callId: 'stall_c4', decision: 'approved', feedback: 'wait' } }),
    ]);
    expect(guard.verdict()).toEqual({ kind: 'ok' });
    feed([...turn('c5'), ...turn('c6')]);
    expect(guard.verdict()).toEqual({ kind: 'ok' });
  });
});
