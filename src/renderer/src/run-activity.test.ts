import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../shared/events';
import { loopConfigSchema } from '../../shared/loop-config';
import { emptySummary } from '../../shared/run-summary';
import { elapsedMs, recordedConfig, runActivity } from './run-activity';

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_a', seq, time: seq, ...draft }) as RunEvent);
}

const created: EventDraft = {
  type: 'run.created',
  payload: {
    goal: 'g',
    model: 'ollama/m',
    origin: 'new',
    config: loopConfigSchema.parse({ maxSteps: 7, budget: { tokens: 1000 } }),
  },
};
const running: EventDraft = { type: 'run.status', payload: { status: 'running' } };
const modelStarted: EventDraft = { type: 'model.started', payload: { callId: 'm1', model: 'ollama/m' } };
const modelFinished: EventDraft = {
  type: 'model.finished',
  payload: {
    callId: 'm1',
    text: '',
    finishReason: 'tool_calls',
    usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
    toolCalls: [{ id: 't1', name: 'bash', args: { command: 'ls' } }],
  },
};
const toolStarted: EventDraft = { type: 'tool.started', payload: { callId: 't1', tool: 'bash', args: {} } };
const toolFinished: EventDraft = { type: 'tool.finished', payload: { callId: 't1', output: '', isError: false } };

function activity(drafts: EventDraft[], status: Parameters<typeof runActivity>[1], pending = 0, streaming = false) {
  return runActivity(toEvents(drafts), status, pending, streaming).label;
}

describe('run activity', () => {
  it('follows a live run from starting to thinking, writing, running a tool and back', () => {
    expect(activity([created, running], 'running')).toBe('running · starting');
    expect(activity([created, running, modelStarted], 'running')).toBe('running · thinking');
    expect(activity([created, running, modelStarted], 'running', 0, true)).toBe('running · writing');
    expect(activity([created, running, modelStarted, modelFinished, toolStarted], 'running')).toBe('running bash');
    expect(activity([created, running, modelStarted, modelFinished, toolStarted, toolFinished], 'running')).toBe(
      'running',
    );
  });

  it('says the loop is parked until a GPU job ends, and running once it woke', () => {
    const job: EventDraft = { type: 'job.started', payload: { jobId: 'job_a', command: 'train', gpu: true } };
    const parked: EventDraft = { type: 'loop.parked', payload: { jobId: 'job_a', reason: 'job_a holds the GPU' } };
    const woke: EventDraft = { type: 'loop.woke', payload: { jobId: 'job_a', reason: 'job-ended' } };
    const ended: EventDraft = { type: 'job.finished', payload: { jobId: 'job_a', status: 'succeeded', exitCode: 0 } };
    const base = [created, running, modelStarted, modelFinished, job];
    expect(runActivity(toEvents([...base, parked]), 'running', 0, false)).toEqual({
      kind: 'parked',
      label: 'running · parked until job_a ends',
    });
    expect(runActivity(toEvents([...base, parked, ended, woke]), 'running', 0, false).kind).toBe('working');
    expect(runActivity(toEvents([...base, parked]), 'interrupted', 0, false).kind).toBe('interrupted');
  });

  it('says when the run waits for a person, and how a run ended', () => {
    expect(activity([created], 'waiting', 1)).toBe('waiting for approval');
    expect(activity([created], 'waiting', 3)).toBe('waiting for approval (3)');
    expect(activity([created, running, modelStarted], 'interrupted')).toBe('interrupted');
    expect(activity([created], 'finished')).toBe('finished');
  });

  it('does not count a call cut off by an interruption as still open after a resume', () => {
    const interrupted: EventDraft = { type: 'run.status', payload: { status: 'interrupted' } };
    expect(activity([created, running, modelStarted, interrupted, running], 'running')).toBe('running');
  });

  it('reads the recorded config and times a live run up to now', () => {
    expect(recordedConfig(toEvents([created]))?.maxSteps).toBe(7);
    const summary = { ...emptySummary('run_a', 1000), updatedAt: 4000 };
    expect(elapsedMs(summary, 10_000)).toBe(9000);
    expect(elapsedMs({ ...summary, status: 'interrupted' }, 10_000)).toBe(3000);
    expect(elapsedMs({ ...summary, status: 'finished', endedAt: 5000 }, 10_000)).toBe(4000);
  });
});
