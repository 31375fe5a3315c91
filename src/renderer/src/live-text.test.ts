import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events';
import { withDelta, withEvents, type LiveTexts } from './live-text';

function event(seq: number, type: 'model.started' | 'run.status'): RunEvent {
  if (type === 'run.status') return { runId: 'run_a', seq, time: seq, type, payload: { status: 'running' } };
  return { runId: 'run_a', seq, time: seq, type, payload: { callId: 'm', model: 'ollama/x' } };
}

describe('live text', () => {
  it('gathers each run’s words until the run records a model call starting or finishing', () => {
    let texts: LiveTexts = new Map();
    texts = withDelta(texts, 'run_a', 'Writing ');
    texts = withDelta(texts, 'run_b', 'Other');
    texts = withDelta(texts, 'run_a', 'two files.');
    expect(texts.get('run_a')).toBe('Writing two files.');
    expect(withEvents(texts, 'run_a', [event(4, 'run.status')])).toBe(texts);
    const after = withEvents(texts, 'run_a', [event(5, 'model.started')]);
    expect([...after]).toEqual([['run_b', 'Other']]);
  });

  it('keeps only the tail of a very long reply', () => {
    const texts = withDelta(withDelta(new Map(), 'run_a', 'a'.repeat(19_999)), 'run_a', 'bc');
    expect(texts.get('run_a')).toHaveLength(20_000);
    expect(texts.get('run_a')!.endsWith('abc')).toBe(true);
  });
});
