import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../tests/fixtures/sample-run';
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
});
