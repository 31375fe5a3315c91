import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../tests/fixtures/sample-run';
import { deltaText } from './compare-metrics';
import { compareRuns, runSteps } from './compare-runs';
import type { EventDraft, RunEvent } from './events';

function stored(runId: string, drafts: EventDraft[], start = 1_700_000_000_000): RunEvent[] {
  const all: EventDraft[] = [{ type: 'run.created', payload: sampleCreated(), time: start }, ...drafts];
  return all.map(
    (draft, seq) => ({ runId, seq, time: draft.time ?? start, type: draft.type, payload: draft.payload }) as RunEvent,
  );
}

/** The sample run with the training job's result changed and a different final answer. */
function changedDrafts(): EventDraft[] {
  return sampleRunDrafts().map((draft): EventDraft => {
    if (draft.type === 'tool.finished' && draft.payload.callId === 'call_t2')
      return { ...draft, payload: { ...draft.payload, output: 'Permission denied: train.py', isError: true } };
    if (draft.type === 'job.metric') return { ...draft, payload: { ...draft.payload, values: { loss: 0.7 } } };
    if (draft.type === 'evaluation.recorded') return { ...draft, payload: { ...draft.payload, value: 0.64 } };
    return draft;
  });
}

describe('compare runs', () => {
  it('lists model turns and tool calls in order, with their results', () => {
    const steps = runSteps(stored('run_a', sampleRunDrafts()));
    expect(steps.map((step) => [step.kind, step.label, step.isError])).toEqual([
      ['model', 'model → bash, write', false],
      ['tool', 'bash {"command":"head -n 3 tickets.csv"}', false],
      ['tool', 'write {"path":"train.py","content":"print(\\"training\\")\\n"}', false],
      ['model', 'model → job_start', false],
      ['tool', 'job_start {"command":"python3 train.py"}', false],
      ['model', 'model: reply', false],
    ]);
    expect(steps[4]!.detail).toBe('started job_1');
  });

  it('finds nothing different between a run and its replay, whatever their ids and times', () => {
    const a = stored('run_a', sampleRunDrafts());
    const b = stored('run_b', sampleRunDrafts(1_800_000_000_000), 1_800_000_000_000);
    const comparison = compareRuns(a, b);
    expect(comparison.firstDivergence).toBeNull();
    expect(comparison.steps.every((step) => step.match === 'same')).toBe(true);
  });

  it('marks the first differing step and puts metrics, tokens, cost and time side by side', () => {
    const a = stored('run_a', sampleRunDrafts());
    const b = stored('run_b', changedDrafts().slice(0, -2));
    const comparison = compareRuns(a, b);
    expect(comparison.steps.map((step) => step.match)).toEqual(['same', 'same', 'different', 'same', 'same', 'only-a']);
    expect(comparison.firstDivergence).toBe(2);
    expect(comparison.steps[2]!.b).toMatchObject({ isError: true, detail: 'Permission denied: train.py' });
    expect(comparison.a).toEqual({
      runId: 'run_a',
      status: 'finished',
      model: 'ollama/qwen2.5-coder:7b',
      origin: 'new',
      steps: 3,
      toolCalls: 3,
      inputTokens: 4400,
      outputTokens: 150,
      cost: 0,
      elapsedMs: 22 * 250,
      metrics: { loss: 0.4 },
      evaluations: { macro_f1: 0.81 },
    });
    expect(comparison.b).toMatchObject({
      runId: 'run_b',
      status: 'running',
      steps: 2,
      inputTokens: 2700,
      outputTokens: 120,
      metrics: { loss: 0.7 },
      evaluations: { macro_f1: 0.64 },
    });
  });

  it('finds no divergence between a replay and its source whose jobs got other ids, times and durations', () => {
    const a = stored('run_0mxb791230wkadg02', jobTurn('job_0mxb792k1rjurjfc3', '2026-12-06T02:05:36Z', '1.9 s'));
    const b = stored(
      'run_0mwya6yn6uv2lax3p',
      jobTurn('job_0mwya6z53ckcr4k6a', '2026-11-27T10:00:01Z', '2.4 s'),
      1_800_000_000_000,
    );
    const comparison = compareRuns(a, b);
    expect(comparison.steps.map((step) => [step.a?.label, step.match])).toEqual([
      ['model → job_status', 'same'],
      ['job_status {"job_id":"job_0mxb792k1rjurjfc3","wait":240}', 'same'],
    ]);
    expect(comparison.firstDivergence).toBeNull();
    expect(comparison.deltas).toEqual([
      { name: 'cv_accuracy', source: 'metric', a: 0.9, b: 0.9, better: 'higher', delta: 0, winner: 'same' },
    ]);
  });

  it('still finds a call that names another job, or the same job with other arguments', () => {
    const a = stored('run_a', jobTurn('job_0mxb792k1rjurjfc3', '', ''));
    const b = stored('run_b', jobTurn('job_0mxb792k1rjurjfc3', '', '', 60));
    expect(compareRuns(a, b).firstDivergence).toBe(0);
  });

  it('says which side is better on each metric: by the gate’s direction, else lower for loss-like names', () => {
    const a = stored('run_a', sampleRunDrafts());
    const b = stored('run_b', changedDrafts());
    const { deltas } = compareRuns(a, b);
    expect(deltas).toEqual([
      { name: 'loss', source: 'metric', a: 0.4, b: 0.7, better: 'lower', delta: expect.closeTo(0.3), winner: 'a' },
      {
        name: 'macro_f1',
        source: 'evaluation',
        a: 0.81,
        b: 0.64,
        better: 'higher',
        delta: expect.closeTo(-0.17),
        winner: 'a',
      },
    ]);
    expect(deltas.map(deltaText)).toEqual(['+0.3 · A better (lower is better)', '−0.17 · A better (higher is better)']);
    const lowerGate = changedDrafts().map((draft): EventDraft =>
      draft.type === 'evaluation.recorded' ? { ...draft, payload: { ...draft.payload, better: 'lower' } } : draft,
    );
    expect(compareRuns(a, stored('run_b', lowerGate)).deltas[1]).toMatchObject({ better: 'lower', winner: 'b' });
  });
});

/** A model turn that waits on a job, the call, and the job's metric: what differs by nature is given. */
function jobTurn(jobId: string, time: string, took: string, wait = 240): EventDraft[] {
  const args = { job_id: jobId, wait };
  return [
    { type: 'model.started', payload: { callId: 'call_m1', model: 'scripted/example-agent' } },
    {
      type: 'model.finished',
      payload: {
        callId: 'call_m1',
        text: '',
        toolCalls: [{ id: 'call_t1', name: 'job_status', args }],
        finishReason: 'tool_calls',
        usage: { inputTokens: 100, outputTokens: 10 },
      },
    },
    { type: 'tool.started', payload: { callId: 'call_t1', tool: 'job_status', args } },
    { type: 'job.metric', payload: { jobId, step: 1, values: { cv_accuracy: 0.9 } } },
    {
      type: 'tool.finished',
      payload: { callId: 'call_t1', output: `${jobId} succeeded at ${time} after ${took}, exit 0`, isError: false },
    },
  ] as EventDraft[];
}
