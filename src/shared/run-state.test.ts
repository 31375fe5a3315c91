import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from './events';
import { reduceRun } from './run-state';

function toEvents(drafts: EventDraft[], runId = 'run_test'): RunEvent[] {
  return drafts.map(
    (draft, seq) => ({ runId, seq, time: draft.time ?? seq, type: draft.type, payload: draft.payload }) as RunEvent,
  );
}

const created: EventDraft = { type: 'run.created', payload: sampleCreated(), time: 1_700_000_000_000 };

describe('reduceRun', () => {
  it('draws model calls, approvals, tools, jobs and evaluations with what followed what', () => {
    const state = reduceRun(toEvents([created, ...sampleRunDrafts()]))!;
    const nodes = state.graph.nodes.map((node) => [node.id, node.kind, node.status, node.seqs]);
    expect(nodes).toEqual([
      ['start', 'start', 'done', [0]],
      ['model:call_m1', 'model', 'done', [2, 3]],
      ['tool:call_t1', 'tool', 'done', [5, 6]],
      ['approval:call_t2', 'approval', 'done', [7, 8]],
      ['tool:call_t2', 'tool', 'done', [9, 10]],
      ['model:call_m2', 'model', 'done', [11, 12]],
      ['tool:call_t3', 'tool', 'done', [13, 15]],
      ['job:job_1', 'job', 'done', [14, 18]],
      ['evaluation:eval_1', 'evaluation', 'done', [19]],
      ['model:call_m3', 'model', 'done', [20, 21]],
    ]);
    expect(state.graph.edges.map((edge) => `${edge.source} -> ${edge.target}`)).toEqual([
      'start -> model:call_m1',
      'model:call_m1 -> tool:call_t1',
      'model:call_m1 -> approval:call_t2',
      'approval:call_t2 -> tool:call_t2',
      'tool:call_t1 -> model:call_m2',
      'tool:call_t2 -> model:call_m2',
      'model:call_m2 -> tool:call_t3',
      'tool:call_t3 -> job:job_1',
      'job:job_1 -> evaluation:eval_1',
      'evaluation:eval_1 -> model:call_m3',
    ]);
    const job = state.graph.nodes.find((node) => node.kind === 'job')!;
    expect(job.metrics).toEqual({ loss: [0.9, 0.4] });
    expect(state.graph.nodes.find((node) => node.id === 'model:call_m1')!.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 80,
      cost: 0,
    });
    expect(state.plan).toEqual([{ text: 'Inspect data', status: 'in_progress' }]);
    expect(state.pendingApprovals).toEqual([]);
    expect(state.summary).toMatchObject({ status: 'finished', steps: 3, toolCalls: 3, inputTokens: 4400 });
  });

  it('shows a pending approval, a rejection and a fork parent', () => {
    const events = toEvents([
      { type: 'run.created', payload: { ...sampleCreated(), origin: 'fork', parent: { runId: 'run_parent', seq: 7 } } },
      { type: 'model.started', payload: { callId: 'm1', model: 'ollama/x' } },
      {
        type: 'model.finished',
        payload: {
          callId: 'm1',
          text: '',
          finishReason: 'tool_calls',
          usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
          toolCalls: [
            { id: 't1', name: 'bash', args: { command: 'rm -rf data' } },
            { id: 't2', name: 'write', args: { path: 'a.py', content: '' } },
          ],
        },
      },
      { type: 'approval.requested', payload: { callId: 't1', tool: 'bash', summary: 'rm -rf data' } },
      { type: 'approval.resolved', payload: { callId: 't1', decision: 'rejected', feedback: 'never delete data' } },
      { type: 'approval.requested', payload: { callId: 't2', tool: 'write', summary: 'write a.py' } },
      { type: 'run.status', payload: { status: 'waiting' } },
    ]);
    const state = reduceRun(events)!;
    expect(state.summary.status).toBe('waiting');
    expect(state.summary.parentRunId).toBe('run_parent');
    expect(state.pendingApprovals).toEqual([
      { seq: 5, callId: 't2', tool: 'write', summary: 'write a.py', kind: 'call' },
    ]);
    expect(state.graph.nodes.map((node) => [node.id, node.status])).toEqual([
      ['start', 'done'],
      ['parent:run_parent:7', 'done'],
      ['model:m1', 'done'],
      ['approval:t1', 'rejected'],
      ['approval:t2', 'waiting'],
    ]);
    expect(state.graph.edges.find((edge) => edge.kind === 'fork')).toEqual({
      id: 'parent:run_parent:7->start',
      source: 'parent:run_parent:7',
      target: 'start',
      kind: 'fork',
    });
  });

  it('has no state for no events', () => {
    expect(reduceRun([])).toBeUndefined();
  });
});

describe('reduceRun of a fork', () => {
  it('marks the steps copied from the parent and hangs each snapshot on the step that made it', () => {
    const usage = { inputTokens: 10, outputTokens: 5, cost: 0 };
    const snapshot = (callId?: string) => ({
      manifest: 'a'.repeat(64),
      files: 1,
      bytes: 3,
      newBytes: 3,
      ...(callId === undefined ? {} : { callId }),
    });
    const drafts: EventDraft[] = [
      {
        type: 'run.created',
        payload: { goal: 'write', model: 'm/x', origin: 'fork', parent: { runId: 'run_parent', seq: 7 } },
      },
      { type: 'run.status', payload: { status: 'running' } },
      { type: 'workspace.snapshot', payload: snapshot() },
      { type: 'model.started', payload: { callId: 'm1', model: 'm/x' } },
      {
        type: 'model.finished',
        payload: {
          callId: 'm1',
          text: '',
          toolCalls: [{ id: 't1', name: 'write', args: {} }],
          finishReason: 'tool_calls',
          usage,
        },
      },
      { type: 'tool.started', payload: { callId: 't1', tool: 'write', args: {} } },
      { type: 'workspace.snapshot', payload: snapshot('t1') },
      { type: 'tool.finished', payload: { callId: 't1', output: 'Wrote a.txt', isError: false } },
      // The fork's own steps.
      { type: 'message.user', payload: { text: 'now this', source: 'person' } },
      { type: 'model.started', payload: { callId: 'm2', model: 'm/x' } },
      {
        type: 'model.finished',
        payload: { callId: 'm2', text: 'ok', toolCalls: [], finishReason: 'stop', usage },
      },
    ];
    const { graph, summary } = reduceRun(toEvents(drafts))!;
    expect(graph.nodes.map((node) => [node.id, node.seqs, node.inherited ?? false])).toEqual([
      ['start', [0, 2], false],
      ['parent:run_parent:7', [0], false],
      ['model:m1', [3, 4], true],
      ['tool:t1', [5, 6, 7], true],
      ['message:8', [8], false],
      ['model:m2', [9, 10], false],
    ]);
    expect(graph.edges.find((edge) => edge.kind === 'fork')).toMatchObject({
      source: 'parent:run_parent:7',
      target: 'start',
    });
    expect(summary).toMatchObject({ parentRunId: 'run_parent', parentSeq: 7, steps: 2 });
  });
});
