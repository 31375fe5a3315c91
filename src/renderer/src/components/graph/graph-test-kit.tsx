// What the graph view's tests share: a DOM in which React Flow has a size, the sample run's events,
// rendering the view over them, and reading back what it drew.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import type { ChildRun } from '../../../../shared/loop-graph';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { buildGraph } from '../../../../shared/run-graph';
import { RunGraphView } from './run-graph-view';

// happy-dom lays nothing out: every element measures 0×0, and its ResizeObserver never reports. React
// Flow reads its container's offset size (and the follow logic its client size), so give every element
// a large fixed size, and a ResizeObserver that reports that size once when it starts observing.
export const SIZE = 4000;
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

/** Gives every element a size and a ResizeObserver that reports it, for the tests of this file. */
export function withFixedSize(): void {
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
}

export function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_test', seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

export const allEvents = toEvents([{ type: 'run.created', payload: sampleCreated() }, ...sampleRunDrafts()]);

/** The sample run's events up to and including the one of this type and call, as a live run would have them. */
export function eventsThrough(type: RunEvent['type'], callId: string): RunEvent[] {
  const index = allEvents.findIndex(
    (event) => event.type === type && 'callId' in event.payload && event.payload.callId === callId,
  );
  expect(index).toBeGreaterThan(0);
  return allEvents.slice(0, index + 1);
}

export async function renderGraph(events: RunEvent[], selectedId: string | null = null, childRuns: ChildRun[] = []) {
  const onSelect = vi.fn<(nodeId: string | null) => void>();
  const onOpenRun = vi.fn<(runId: string) => void>();
  const view = render(
    <div style={{ width: `${SIZE}px`, height: `${SIZE}px` }}>
      <RunGraphView
        graph={buildGraph(events)}
        events={events}
        selectedId={selectedId}
        onSelect={onSelect}
        onOpenRun={onOpenRun}
        childRuns={childRuns}
      />
    </div>,
  );
  // Let React Flow take its size, init and settle the first move.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  return { ...view, onSelect, onOpenRun };
}

export function drawnNodes() {
  return screen.queryAllByTestId('graph-node').map((element) => ({
    id: element.dataset.nodeId,
    kind: element.dataset.kind,
    status: element.dataset.status,
    label: element.querySelector('.graph-node-label')?.textContent,
  }));
}

export function callsOf(id: string) {
  return within(nodeById(id))
    .queryAllByTestId('graph-call')
    .map((element) => [
      element.dataset.nodeId,
      element.dataset.status,
      element.querySelector('.loop-call-text')?.textContent,
    ]);
}

export function nodeById(id: string): HTMLElement {
  const element = screen.getAllByTestId('graph-node').find((item) => item.dataset.nodeId === id);
  if (element === undefined) throw new Error(`no node ${id} drawn`);
  return element;
}

/** The view drawn again over all the sample's events with another selection, as a parent would. */
export function redraw(
  rerender: (ui: React.ReactNode) => void,
  selectedId: string | null,
  onSelect: (nodeId: string | null) => void,
): void {
  rerender(
    <div style={{ width: `${SIZE}px`, height: `${SIZE}px` }}>
      <RunGraphView
        graph={buildGraph(allEvents)}
        events={allEvents}
        selectedId={selectedId}
        onSelect={onSelect}
        childRuns={[]}
      />
    </div>,
  );
}
