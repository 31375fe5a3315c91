import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events';
import { LIVE_OUTPUT_MAX_CHARS, withEnded, withOutput, type LiveOutputs } from './live-output';

const finished = (callId: string): RunEvent => ({
  runId: 'run_a',
  seq: 9,
  time: 0,
  type: 'tool.finished',
  payload: { callId, output: 'done', isError: false },
});

describe('live output', () => {
  it('gathers output per source with its colour codes, and drops it when its call ends', () => {
    let outputs: LiveOutputs = new Map();
    outputs = withOutput(outputs, 'run_a', 'call_1', 'epoch 1\n');
    outputs = withOutput(outputs, 'run_a', 'call_1', '\u001b[32mepoch 2\u001b[0m\n');
    outputs = withOutput(outputs, 'run_a', 'job_7', 'loss 0.3\n');
    expect([...outputs.get('run_a')!]).toEqual([
      ['call_1', 'epoch 1\n\u001b[32mepoch 2\u001b[0m\n'],
      ['job_7', 'loss 0.3\n'],
    ]);
    outputs = withEnded(outputs, 'run_a', [finished('call_1')]);
    expect([...outputs.get('run_a')!]).toEqual([['job_7', 'loss 0.3\n']]);
  });

  it('keeps only the newest part of a flood', () => {
    const flood = withOutput(new Map(), 'run_a', 'call_1', `${'x'.repeat(LIVE_OUTPUT_MAX_CHARS)}tail`);
    const text = flood.get('run_a')!.get('call_1')!;
    expect(text).toHaveLength(LIVE_OUTPUT_MAX_CHARS);
    expect(text.endsWith('xtail')).toBe(true);
  });

  it('leaves the map as it was when nothing ended', () => {
    const outputs = withOutput(new Map(), 'run_a', 'call_1', 'x');
    expect(withEnded(outputs, 'run_a', [finished('call_2')])).toBe(outputs);
  });
});
