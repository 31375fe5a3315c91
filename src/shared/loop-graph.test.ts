// The loop graph as a person reads it: steps (a model turn and its calls), attempts closed by the
// evaluation gate, jobs branching off the step that started them, and the runs around this one.
import { describe, expect, it } from 'vitest';
import { exampleEvents } from '../../tests/fixtures/example-run';
import { sampleCreated, sampleRunDrafts } from '../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from './events';
import { attemptLabel, buildLoopGraph, type ChildRun, type LoopGraph } from './loop-graph';
import { buildGraph } from './run-graph';

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_test', seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

function loopOf(events: readonly RunEvent[], children: ChildRun[] = []): LoopGraph {
  return buildLoopGraph(buildGraph(events), children);
}

const sampleEvents = toEvents([{ type: 'run.created', payload: sampleCreated() }, ...sampleRunDrafts()]);

describe('buildLoopGraph on the example run', () => {
  const loop = loopOf(exampleEvents());

  it('makes one step per model turn, with the calls it made inside', () => {
    expect(loop.main.map((item) => item.kind)).toEqual([
      'goal',
      ...['step', 'step', 'step', 'step', 'step', 'gate'],
      ...['message', 'step', 'step', 'step', 'gate'],
    ]);
    const steps = loop.main.filter((item) => item.kind === 'step');
    expect(steps.map((step) => step.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(steps.map((step) => step.calls.map((call) => call.name))).toEqual([
      ['data_inspect'],
      ['write'],
      ['job_start'],
      ['job_status'],
      [],
      ['job_start'],
      ['job_status'],
      [],
    ]);
    expect(steps[0]!.id).toBe('model:call_1_3');
    expect(steps[0]!.calls[0]).toMatchObject({ id: 'tool:call_example_1', status: 'done' });
    expect(steps.every((step) => step.status === 'done')).toBe(true);
  });

  it('groups the steps of each attempt under its score, and retries from the failed gate', () => {
    expect(loop.groups.map(attemptLabel)).toEqual(['Attempt 1 · macro_f1 0.793 ✗', 'Attempt 2 · macro_f1 0.893 ✓']);
    const [first, second] = loop.groups;
    expect(first!.ids).toHaveLength(6);
    expect(first!.gate).toBe(first!.ids.at(-1));
    expect(first!.evaluation).toMatchObject({ value: 0.7931, target: 0.85, passed: false, attempt: 1 });
    expect(second!.ids[0]).toMatch(/^message:/);
    expect(second!.evaluation).toMatchObject({ value: 0.8929, passed: true, attempt: 2 });

    const retries = loop.edges.filter((edge) => edge.kind === 'retry');
    expect(retries).toEqual([{ id: expect.any(String), source: first!.gate, target: second!.ids[0], kind: 'retry' }]);
    expect(loop.main.filter((item) => item.attempt === 2)).toHaveLength(5);
  });

  it('hangs each job off the step that started it', () => {
    const jobs = loop.branches.filter((item) => item.kind === 'job');
    expect(jobs.map((job) => [job.owner, job.node?.metrics])).toEqual([
      ['model:call_3_12', { cv_accuracy: [0.8978] }],
      ['model:call_6_31', { cv_accuracy: [0.92] }],
    ]);
    for (const job of jobs) {
      expect(loop.edges).toContainEqual(expect.objectContaining({ source: job.owner, target: job.id, kind: 'branch' }));
    }
  });
});

describe('buildLoopGraph', () => {
  it('lists parallel calls in one step, in the order they ran, and marks an approval waiting', () => {
    const through = sampleEvents.findIndex((event) => event.type === 'approval.requested');
    const loop = loopOf(sampleEvents.slice(0, through + 1));
    const step = loop.main.find((item) => item.kind === 'step')!;
    expect(step.calls.map((call) => [call.id, call.name, call.status])).toEqual([
      ['tool:call_t1', 'bash', 'done'],
      ['approval:call_t2', 'write', 'waiting'],
    ]);
    expect(step.status).toBe('waiting');
    expect(loop.waiting).toEqual(['approval:call_t2']);

    const done = loopOf(sampleEvents).main.find((item) => item.kind === 'step')!;
    expect(done.calls.map((call) => [call.id, call.status])).toEqual([
      ['tool:call_t1', 'done'],
      ['tool:call_t2', 'done'],
    ]);
  });

  it('has no attempts and no retry in a run without a gate', () => {
    const withoutGate = sampleEvents.filter((event) => !event.type.startsWith('evaluation.'));
    const loop = loopOf(withoutGate);
    expect(loop.groups).toEqual([]);
    expect(loop.edges.filter((edge) => edge.kind === 'retry')).toEqual([]);
    expect(loop.main.every((item) => item.attempt === null)).toBe(true);
  });

  it('continues after a gate with no target without calling it a retry', () => {
    const loop = loopOf(sampleEvents);
    expect(loop.groups.map(attemptLabel)).toEqual(['Attempt 1 · macro_f1 0.81', 'Attempt 2']);
    expect(loop.edges.filter((edge) => edge.kind === 'retry')).toEqual([]);
  });

  it('draws the parent run into the goal, and child runs from where they left', () => {
    const forked = toEvents([
      { type: 'run.created', payload: { ...sampleCreated(), origin: 'fork', parent: { runId: 'run_parent', seq: 7 } } },
      ...sampleRunDrafts(),
    ]);
    const children: ChildRun[] = [
      { runId: 'run_fork', relation: 'fork', seq: 12, status: 'finished', title: 'a fork' },
      { runId: 'run_replay', relation: 'replay', seq: null, status: 'running', title: 'a replay' },
    ];
    const loop = loopOf(forked, children);
    const parent = loop.branches.find((item) => item.kind === 'parent')!;
    expect(parent.id).toBe('parent:run_parent:7');
    expect(loop.edges).toContainEqual(expect.objectContaining({ source: parent.id, target: 'start', kind: 'lineage' }));

    const owners = Object.fromEntries(
      loop.branches.filter((item) => item.kind === 'child').map((item) => [item.id, item.owner]),
    );
    // seq 12 is inside the second model turn (model.started at seq 11).
    const stepAt12 = loop.main.filter((item) => (item.node?.seqs[0] ?? 0) <= 12).at(-1)!.id;
    expect(stepAt12).toBe('model:call_m2');
    expect(owners).toEqual({ 'child:run_fork': 'model:call_m2', 'child:run_replay': 'start' });
  });
});

describe('buildLoopGraph with a network allow-list', () => {
  const request = (host: string, allowed: boolean, bytes: number): EventDraft => ({
    type: 'network.request',
    payload: { host, port: 443, allowed, bytesIn: bytes, bytesOut: 100, durationMs: 20 },
  });
  const events = toEvents([
    { type: 'run.created', payload: sampleCreated() },
    { type: 'model.started', payload: { callId: 'm1', model: 'scripted/test' } },
    {
      type: 'model.finished',
      payload: {
        callId: 'm1',
        text: '',
        toolCalls: [{ id: 'c1', name: 'bash', args: { command: 'pip install x' } }],
        finishReason: 'tool_calls',
        usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
      },
    },
    { type: 'tool.started', payload: { callId: 'c1', tool: 'bash', args: { command: 'pip install x' } } },
    request('pypi.org', true, 5000),
    {
      type: 'approval.requested',
      payload: {
        callId: 'net_example.org:443',
        tool: 'network',
        summary: 'reach?',
        kind: 'network',
        host: 'example.org:443',
      },
    },
    { type: 'approval.resolved', payload: { callId: 'net_example.org:443', decision: 'rejected' } },
    request('example.org', false, 0),
    { type: 'tool.finished', payload: { callId: 'c1', output: 'done', isError: false } },
  ]);

  it('puts the connections on the command that made them and the question in its step, which ends done', () => {
    const step = loopOf(events).main.find((item) => item.kind === 'step')!;
    expect(step.calls.map((call) => [call.name, call.status])).toEqual([
      ['bash', 'done'],
      ['reach example.org:443?', 'rejected'],
    ]);
    expect(step.calls[0]!.tool?.network).toEqual({
      connections: 2,
      refused: 1,
      bytes: 5200,
      hosts: ['pypi.org:443', 'example.org:443'],
    });
  });
});
