// @vitest-environment happy-dom
// The run graph as a person sees it: the sample run's events go through the reducer and the loop graph
// into React Flow: steps with their calls inside, the gate, the job branch, an approval waiting.
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EventDraft, ToolCall } from '../../../../shared/events';
import { SAMPLE_GOAL, sampleCreated } from '../../../../../tests/fixtures/sample-run';
import {
  allEvents,
  callsOf,
  drawnNodes,
  eventsThrough,
  nodeById,
  renderGraph,
  toEvents,
  withFixedSize,
} from './graph-test-kit';

withFixedSize();

/** A run whose one model turn (`model:m`) says `text` and makes these calls. */
function oneTurn(text: string, toolCalls: ToolCall[]): EventDraft[] {
  const usage = { inputTokens: 1, outputTokens: 1, cost: 0 };
  return [
    { type: 'run.created', payload: sampleCreated() },
    { type: 'model.started', payload: { callId: 'm', model: 'test-model' } },
    { type: 'model.finished', payload: { callId: 'm', text, finishReason: 'tool_calls', usage, toolCalls } },
  ];
}

describe('RunGraphView', () => {
  it('draws one step per model turn with its calls inside, the gate, and the job off its step', async () => {
    await renderGraph(allEvents);
    expect(screen.getByTestId('run-graph')).toBeTruthy();
    expect(drawnNodes()).toEqual([
      { id: 'start', kind: 'goal', status: 'done', label: SAMPLE_GOAL },
      {
        id: 'model:call_m1',
        kind: 'step',
        status: 'done',
        label: 'I will look at the data first, then train a baseline.',
      },
      { id: 'model:call_m2', kind: 'step', status: 'done', label: 'Starting the training job.' },
      { id: 'evaluation:eval_1', kind: 'gate', status: 'done', label: undefined },
      { id: 'model:call_m3', kind: 'step', status: 'done', label: 'The baseline reaches macro F1 0.81.' },
      { id: 'job:job_1', kind: 'job', status: 'done', label: 'python3 train.py' },
    ]);
    expect(callsOf('model:call_m1')).toEqual([
      ['tool:call_t1', 'done', 'bash head -n 3 tickets.csv'],
      ['tool:call_t2', 'done', 'write train.py'],
    ]);
    expect(callsOf('model:call_m2')).toEqual([['tool:call_t3', 'done', 'job_start python3 train.py']]);
    expect(callsOf('model:call_m3')).toEqual([]);
  });

  it('shows each step’s number, tokens and status, the job’s metric, the score, and what the loop holds', async () => {
    await renderGraph(allEvents);
    const step = nodeById('model:call_m1');
    expect(within(step).getByText('step 1')).toBeTruthy();
    expect(step.querySelector('.graph-node-meta')?.textContent).toMatch(/^1\.3k tok · /);
    expect(within(step).getByText('done')).toBeTruthy();
    const job = nodeById('job:job_1');
    expect(job.querySelector('.loop-job-metric')?.textContent).toBe('loss 0.4');
    expect(job.querySelector('.graph-sparkline')).toBeTruthy();
    expect(nodeById('evaluation:eval_1').querySelector('.loop-gate-score')?.textContent).toBe('macro_f1 0.81no target');
    // The goal shows no status word.
    expect(nodeById('start').querySelector('.graph-node-status')).toBeNull();
    // An evaluation without a target still closes an attempt.
    expect(screen.getAllByTestId('graph-attempt').map((item) => item.textContent)).toEqual([
      'Attempt 1 · macro_f1 0.81',
      'Attempt 2',
    ]);

    const legend = screen.getByRole('list', { name: 'What the loop holds' });
    const counts = within(legend)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(counts).toEqual(['3 steps', '3 calls', '1 job', '2 attempts']);
  });

  it('draws a live run: a model call thinking, then an approval waiting, unmistakably', async () => {
    const thinking = await renderGraph(eventsThrough('model.started', 'call_m1'));
    expect(drawnNodes()).toEqual([
      { id: 'start', kind: 'goal', status: 'done', label: SAMPLE_GOAL },
      { id: 'model:call_m1', kind: 'step', status: 'running', label: 'ollama/qwen2.5-coder:7b is thinking…' },
    ]);
    expect(within(nodeById('model:call_m1')).getByText('thinking')).toBeTruthy();
    thinking.unmount();

    const { onSelect } = await renderGraph(eventsThrough('approval.requested', 'call_t2'));
    const step = nodeById('model:call_m1');
    expect(step.dataset.status).toBe('waiting');
    expect(callsOf('model:call_m1')).toEqual([
      ['tool:call_t1', 'done', 'bash head -n 3 tickets.csv'],
      ['approval:call_t2', 'waiting', 'write train.py (18 bytes)'],
    ]);
    fireEvent.click(within(step).getByRole('button', { name: 'Waiting for your approval · write' }));
    expect(onSelect).toHaveBeenLastCalledWith('approval:call_t2');
    fireEvent.click(screen.getByRole('button', { name: 'An approval is waiting' }));
    expect(onSelect).toHaveBeenCalledTimes(2);
  });

  it('marks a rejected approval and a failed tool call among a step’s calls', async () => {
    const events = toEvents([
      ...oneTurn('', [
        { id: 'w', name: 'write', args: { path: 'a.txt', content: 'x' } },
        { id: 'b', name: 'bash', args: { command: 'false' } },
      ]),
      { type: 'approval.requested', payload: { callId: 'w', tool: 'write', summary: 'write a.txt (1 bytes)' } },
      { type: 'approval.resolved', payload: { callId: 'w', decision: 'rejected', feedback: 'no' } },
      { type: 'tool.started', payload: { callId: 'b', tool: 'bash', args: { command: 'false' } } },
      { type: 'tool.finished', payload: { callId: 'b', output: 'exit 1', isError: true } },
    ]);
    await renderGraph(events);
    expect(callsOf('model:m')).toEqual([
      ['approval:w', 'rejected', 'write a.txt (1 bytes)'],
      ['tool:b', 'error', 'bash false'],
    ]);
    const [rejected, failed] = within(nodeById('model:m')).getAllByTestId('graph-call');
    expect(within(rejected!).getByText('rejected')).toBeTruthy();
    expect(within(failed!).getByText('failed')).toBeTruthy();
  });

  it('lists a few parallel calls and the rest behind "+N more"', async () => {
    const calls = Array.from({ length: 5 }, (_, index) => ({
      id: `c${index}`,
      name: 'bash',
      args: { command: `echo ${index}` },
    }));
    const events = toEvents([
      ...oneTurn('Five at once.', calls),
      ...calls.map((call) => ({
        type: 'tool.started' as const,
        payload: { callId: call.id, tool: 'bash', args: call.args },
      })),
    ]);
    await renderGraph(events);
    expect(callsOf('model:m').map(([id]) => id)).toEqual(['tool:c0', 'tool:c1', 'tool:c2']);
    fireEvent.click(screen.getByRole('button', { name: '+2 more' }));
    expect(callsOf('model:m').map(([id]) => id)).toEqual(['tool:c0', 'tool:c1', 'tool:c2', 'tool:c3', 'tool:c4']);
    expect(screen.getByRole('button', { name: 'show fewer' })).toBeTruthy();
  });

  it('says so when the run has no steps yet', async () => {
    await renderGraph(allEvents.slice(0, 1));
    expect(drawnNodes().map((node) => node.id)).toEqual(['start']);
    expect(screen.getByText('No steps yet.')).toBeTruthy();
  });
});
