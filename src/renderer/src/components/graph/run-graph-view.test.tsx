// @vitest-environment happy-dom
// The run graph as a person sees it: the sample run's events go through the reducer and the graph
// helpers into React Flow, and the nodes it draws carry their id, kind, status and caption.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SAMPLE_GOAL, sampleCreated, sampleRunDrafts } from '../../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { buildGraph } from '../../../../shared/run-graph';
import { RunGraphView } from './run-graph-view';

// happy-dom lays nothing out: every element measures 0×0, and its ResizeObserver never reports. React
// Flow reads its container's offset size (and the follow logic its client size), so give every element
// a large fixed size, and a ResizeObserver that reports that size once when it starts observing.
const SIZE = 4000;
const sizeProps = ['offsetWidth', 'offsetHeight', 'clientWidth', 'clientHeight'] as const;
const saved = new Map<string, PropertyDescriptor | undefined>();
const savedObserver = globalThis.ResizeObserver;

class FixedResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    const rect = { x: 0, y: 0, top: 0, left: 0, right: SIZE, bottom: SIZE, width: SIZE, height: SIZE };
    const entry = { target, contentRect: rect } as unknown as ResizeObserverEntry;
    queueMicrotask(() => this.callback([entry], this as unknown as ResizeObserver));
  }
  unobserve(): void {}
  disconnect(): void {}
}

beforeAll(() => {
  for (const name of sizeProps) {
    saved.set(name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => SIZE });
  }
  globalThis.ResizeObserver = FixedResizeObserver as unknown as typeof ResizeObserver;
});

afterAll(() => {
  for (const name of sizeProps) {
    const descriptor = saved.get(name);
    if (descriptor === undefined) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
    else Object.defineProperty(HTMLElement.prototype, name, descriptor);
  }
  globalThis.ResizeObserver = savedObserver;
});

afterEach(() => cleanup());

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_test', seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

const allEvents = toEvents([{ type: 'run.created', payload: sampleCreated() }, ...sampleRunDrafts()]);

/** The sample run's events up to and including the one of this type and call, as a live run would have them. */
function eventsThrough(type: RunEvent['type'], callId: string): RunEvent[] {
  const index = allEvents.findIndex(
    (event) => event.type === type && 'callId' in event.payload && event.payload.callId === callId,
  );
  expect(index).toBeGreaterThan(0);
  return allEvents.slice(0, index + 1);
}

async function renderGraph(events: RunEvent[], selectedId: string | null = null) {
  const onSelect = vi.fn<(nodeId: string | null) => void>();
  const view = render(
    <div style={{ width: `${SIZE}px`, height: `${SIZE}px` }}>
      <RunGraphView graph={buildGraph(events)} events={events} selectedId={selectedId} onSelect={onSelect} />
    </div>,
  );
  // Let React Flow take its size, init and settle the follow move.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  return { ...view, onSelect };
}

function drawnNodes() {
  return screen.queryAllByTestId('graph-node').map((element) => ({
    id: element.dataset.nodeId,
    kind: element.dataset.kind,
    status: element.dataset.status,
    label: element.querySelector('.graph-node-label')?.textContent,
  }));
}

function nodeById(id: string): HTMLElement {
  const element = screen.getAllByTestId('graph-node').find((item) => item.dataset.nodeId === id);
  if (element === undefined) throw new Error(`no node ${id} drawn`);
  return element;
}

describe('RunGraphView', () => {
  it('draws one node per step of the finished sample run, with its kind, status and caption', async () => {
    await renderGraph(allEvents);
    expect(screen.getByTestId('run-graph')).toBeTruthy();
    expect(drawnNodes()).toEqual([
      { id: 'start', kind: 'start', status: 'done', label: SAMPLE_GOAL },
      {
        id: 'model:call_m1',
        kind: 'model',
        status: 'done',
        label: 'I will look at the data first, then train a baseline.',
      },
      { id: 'tool:call_t1', kind: 'tool', status: 'done', label: 'bash head -n 3 tickets.csv' },
      { id: 'approval:call_t2', kind: 'approval', status: 'done', label: 'write train.py (18 bytes)' },
      { id: 'tool:call_t2', kind: 'tool', status: 'done', label: 'write train.py' },
      { id: 'model:call_m2', kind: 'model', status: 'done', label: 'Starting the training job.' },
      { id: 'tool:call_t3', kind: 'tool', status: 'done', label: 'job_start python3 train.py' },
      { id: 'job:job_1', kind: 'job', status: 'done', label: 'python3 train.py' },
      { id: 'evaluation:eval_1', kind: 'evaluation', status: 'done', label: 'macro_f1 = 0.81' },
      { id: 'model:call_m3', kind: 'model', status: 'done', label: 'The baseline reaches macro F1 0.81.' },
    ]);
  });

  it('shows each node’s kind, status word and one fact, and counts the kinds in the legend', async () => {
    await renderGraph(allEvents);
    const model = nodeById('model:call_m1');
    expect(within(model).getByText('model')).toBeTruthy();
    expect(within(model).getByText('1.3k tok')).toBeTruthy();
    expect(within(model).getByText('done')).toBeTruthy();
    expect(within(nodeById('approval:call_t2')).getByText('approved')).toBeTruthy();
    expect(within(nodeById('job:job_1')).getByText('loss 0.4')).toBeTruthy();
    // The goal shows no status word.
    expect(nodeById('start').querySelector('.graph-node-status')).toBeNull();

    const legend = screen.getByRole('list', { name: 'Nodes by kind' });
    const counts = within(legend)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(counts).toEqual(['3 model', '3 tool', '1 approval', '1 job', '1 evaluation']);
  });

  it('draws a live run: a model call thinking, then an approval waiting', async () => {
    const thinking = await renderGraph(eventsThrough('model.started', 'call_m1'));
    expect(drawnNodes()).toEqual([
      { id: 'start', kind: 'start', status: 'done', label: SAMPLE_GOAL },
      { id: 'model:call_m1', kind: 'model', status: 'running', label: 'ollama/qwen2.5-coder:7b' },
    ]);
    expect(within(nodeById('model:call_m1')).getByText('thinking')).toBeTruthy();
    thinking.unmount();

    await renderGraph(eventsThrough('approval.requested', 'call_t2'));
    const approval = nodeById('approval:call_t2');
    expect(approval.dataset.kind).toBe('approval');
    expect(approval.dataset.status).toBe('waiting');
    expect(within(approval).getByText('waiting')).toBeTruthy();
    expect(within(approval).getByText('write train.py (18 bytes)')).toBeTruthy();
    expect(drawnNodes().map((node) => node.id)).toEqual(['start', 'model:call_m1', 'tool:call_t1', 'approval:call_t2']);
  });

  it('marks a rejected approval and a failed tool call', async () => {
    const events = toEvents([
      { type: 'run.created', payload: sampleCreated() },
      { type: 'model.started', payload: { callId: 'm', model: 'test-model' } },
      {
        type: 'model.finished',
        payload: {
          callId: 'm',
          text: '',
          finishReason: 'tool_calls',
          usage: { inputTokens: 0, outputTokens: 0, cost: 0 },
          toolCalls: [
            { id: 'w', name: 'write', args: { path: 'a.txt', content: 'x' } },
            { id: 'b', name: 'bash', args: { command: 'false' } },
          ],
        },
      },
      { type: 'approval.requested', payload: { callId: 'w', tool: 'write', summary: 'write a.txt (1 bytes)' } },
      { type: 'approval.resolved', payload: { callId: 'w', decision: 'rejected', feedback: 'no' } },
      { type: 'tool.started', payload: { callId: 'b', tool: 'bash', args: { command: 'false' } } },
      { type: 'tool.finished', payload: { callId: 'b', output: 'exit 1', isError: true } },
    ]);
    await renderGraph(events);
    expect(drawnNodes()).toEqual([
      { id: 'start', kind: 'start', status: 'done', label: SAMPLE_GOAL },
      { id: 'model:m', kind: 'model', status: 'done', label: '→ write, bash' },
      { id: 'approval:w', kind: 'approval', status: 'rejected', label: 'write a.txt (1 bytes)' },
      { id: 'tool:b', kind: 'tool', status: 'error', label: 'bash false' },
    ]);
    expect(within(nodeById('approval:w')).getByText('rejected')).toBeTruthy();
    expect(within(nodeById('tool:b')).getByText('failed')).toBeTruthy();
  });

  it('calls onSelect with the id of the node clicked, and marks the selected node', async () => {
    const { onSelect, rerender } = await renderGraph(allEvents);
    fireEvent.click(nodeById('tool:call_t1'));
    expect(onSelect).toHaveBeenLastCalledWith('tool:call_t1');
    fireEvent.click(nodeById('job:job_1'));
    expect(onSelect).toHaveBeenLastCalledWith('job:job_1');
    expect(onSelect).toHaveBeenCalledTimes(2);
    expect(nodeById('job:job_1').classList.contains('selected')).toBe(false);

    rerender(
      <div style={{ width: `${SIZE}px`, height: `${SIZE}px` }}>
        <RunGraphView graph={buildGraph(allEvents)} events={allEvents} selectedId="job:job_1" onSelect={onSelect} />
      </div>,
    );
    expect(nodeById('job:job_1').classList.contains('selected')).toBe(true);
    expect(nodeById('tool:call_t1').classList.contains('selected')).toBe(false);
  });

  it('says so when the run has no steps yet', async () => {
    await renderGraph(allEvents.slice(0, 1));
    expect(drawnNodes().map((node) => node.id)).toEqual(['start']);
    expect(screen.getByText('No steps yet.')).toBeTruthy();
  });
});
