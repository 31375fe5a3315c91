// The replay model gives a job id a replayed job_start made to the recorded calls that named the old one,
// learnt only from results that matched the recording; the replay gate answers the loop guard's question.
import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../shared/events';
import type { ModelEvent } from './model';
import type { ApprovalGate } from './ports';
import { readRecording, replayCheck, ReplayModel, replayGate, type RecordedTurn, type Recording } from './replay';

const usage = { inputTokens: 10, outputTokens: 5, cost: 0 };
const turn = (name: string, args: unknown, id: string): RecordedTurn => ({
  text: '',
  toolCalls: [{ id, name, args }],
  finish: 'tool_calls',
  usage,
});

function recording(): Recording {
  return {
    turns: [
      turn('job_start', { command: 'python3 train.py' }, 'call_1'),
      turn('job_status', { job_id: 'job_0mold0000000001', wait: 60 }, 'call_2'),
      turn('job_logs', { job_id: 'job_0mold0000000001' }, 'call_3'),
    ],
    results: new Map([
      ['call_1', { output: 'Started job_0mold0000000001: python3 train.py', isError: false, step: 1 }],
      ['call_2', { output: 'job_0mold0000000001: succeeded', isError: false, step: 2 }],
    ]),
    approvals: new Map(),
  };
}

async function nextArguments(model: ReplayModel): Promise<string[]> {
  const events: ModelEvent[] = [];
  for await (const event of model.stream()) events.push(event);
  return events.flatMap((event) => (event.type === 'tool_call' ? [event.call.arguments] : []));
}

describe('ReplayModel', () => {
  it('names the replayed job in the recorded calls after a matching job_start', async () => {
    const source = recording();
    const model = new ReplayModel(source);
    const check = replayCheck(source, model, 'stop');
    expect(await nextArguments(model)).toEqual(['{"command":"python3 train.py"}']);
    const started = { callId: 'call_1', tool: 'job_start', input: {}, isError: false };
    expect(check.afterTool!({ ...started, output: 'Started job_0mnew0000000002: python3 train.py' })).toBeUndefined();
    expect(await nextArguments(model)).toEqual(['{"job_id":"job_0mnew0000000002","wait":60}']);
    expect(await nextArguments(model)).toEqual(['{"job_id":"job_0mnew0000000002"}']);
  });

  it('learns nothing from a result that differs from the recording', async () => {
    const source = recording();
    const model = new ReplayModel(source);
    const check = replayCheck(source, model, 'stop');
    await nextArguments(model);
    const verdict = check.afterTool!({
      callId: 'call_1',
      tool: 'job_start',
      input: {},
      output: 'Started job_0mnew0000000002: python3 other.py',
      isError: false,
    });
    expect(verdict?.end).toEqual({
      status: 'stopped',
      reason: 'Replay diverged at step 1: job_start (call_1) gave a different result than the recording.',
    });
    expect(await nextArguments(model)).toEqual(['{"job_id":"job_0mold0000000001","wait":60}']);
  });
});

describe('replayGate and the loop guard', () => {
  const question =
    'The agent repeated the same read call 4 times with identical results. Go on (with a note for the agent), or stop the run?';
  const ask = {
    kind: 'stall' as const,
    runId: 'run_b',
    callId: 'stall_c4',
    tool: 'read',
    input: {},
    summary: question,
    rule: 'the loop guard',
  };
  const nobody: ApprovalGate = { decide: () => Promise.reject(new Error('the person was asked')) };
  const at = (events: EventDraft[]) =>
    events.map((draft, seq) => ({ runId: 'run_a', seq, time: 0, ...draft }) as RunEvent);

  it('answers a stall question as recorded, the note included', async () => {
    const recorded = readRecording(
      at([
        { type: 'approval.requested', payload: { callId: 'stall_c4', tool: 'read', summary: question, kind: 'stall' } },
        { type: 'approval.resolved', payload: { callId: 'stall_c4', decision: 'approved', feedback: 'Wait for it.' } },
      ]),
    );
    const gate = replayGate(recorded, nobody, { model: new ReplayModel(recorded), state: {}, trustEdits: false });
    expect(await gate.decide(ask, new AbortController().signal)).toEqual({
      decision: 'approved',
      feedback: 'Wait for it.',
    });
  });

  it('stops where a recording made before the question ended the run, without asking anyone', async () => {
    const recorded = readRecording(at([{ type: 'run.status', payload: { status: 'stalled', reason: 'Stopped: …' } }]));
    const gate = replayGate(recorded, nobody, { model: new ReplayModel(recorded), state: {}, trustEdits: false });
    expect(await gate.decide(ask, new AbortController().signal)).toMatchObject({ decision: 'rejected', by: 'policy' });
  });
});
