// The terminal's answer to a run that repeats itself: headless policies stop it (so `looplab run`
// exits 3, stalled), and a person on a terminal may let it go on with a note.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalGate } from '../src/main/cli/terminal-gate';
import type { ApprovalRequest } from '../src/main/core/ports';

const stall: ApprovalRequest = {
  kind: 'stall',
  runId: 'run_a',
  callId: 'stall_tc_4',
  tool: 'read',
  input: {},
  summary:
    'The agent repeated the same read call 4 times with identical results. Go on (with a note for the agent), or stop the run?',
  rule: 'the loop guard',
};

/** A terminal where a person types each answer once its question is shown. */
function terminal(answers: string[], isTTY = true) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
    if (/: $/.test(shown) && answers.length > 0) input.write(`${answers.shift()}\n`);
  });
  return { io: { input, output }, shown: () => shown };
}

describe('terminal gate, a run that repeats itself', () => {
  it('stops it under --approve auto and deny, and without a terminal', async () => {
    const signal = new AbortController().signal;
    for (const mode of ['auto', 'deny'] as const) {
      expect(await terminalGate(mode, terminal([]).io).decide(stall, signal)).toEqual({
        decision: 'rejected',
        by: 'policy',
        feedback: `Stopped by the headless policy (--approve ${mode}).`,
      });
    }
    expect(await terminalGate('ask', terminal([], false).io).decide(stall, signal)).toMatchObject({
      decision: 'rejected',
      by: 'no-terminal',
    });
  });

  it('asks a person, who may go on with a note or stop', async () => {
    const signal = new AbortController().signal;
    const goOn = terminal(['y', 'Wait for epoch 2.']);
    expect(await terminalGate('ask', goOn.io).decide(stall, signal)).toEqual({
      decision: 'approved',
      feedback: 'Wait for epoch 2.',
    });
    expect(goOn.shown()).toContain('The agent repeated the same read call 4 times');
    expect(await terminalGate('ask', terminal(['n']).io).decide(stall, signal)).toEqual({ decision: 'rejected' });
  });
});
