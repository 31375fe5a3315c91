// The React Flow elements of the loop graph are reused while what they show is unchanged, so a live
// run's update redraws only the nodes an event touched.
import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../shared/events';
import { buildLoopGraph } from '../../../shared/loop-graph';
import { buildGraph } from '../../../shared/run-graph';
import { FlowElementCache, type Captions, type LoopFlowNode } from './flow-elements';
import { layoutLoop } from './loop-layout';

const events = [{ type: 'run.created', payload: sampleCreated() }, ...sampleRunDrafts()].map(
  (draft, seq) => ({ runId: 'run_test', seq, time: seq, ...draft }) as RunEvent,
);
const captions: Captions = { caption: (item) => item.node?.label ?? '', calls: () => ({}) };

function elementsThrough(count: number, cache: FlowElementCache, selectedId: string | null = null) {
  const loop = buildLoopGraph(buildGraph(events.slice(0, count)));
  const layout = layoutLoop(loop, 4);
  const nodes = cache.toNodes(loop, layout, selectedId, new Set(), captions, true);
  return { nodes: new Map(nodes.map((node) => [node.id, node])), edges: cache.toEdges(loop, layout) };
}

const index = (type: EventDraft['type']) => events.findIndex((event) => event.type === type);

describe('flow elements', () => {
  it('keeps unchanged nodes and edges as the same objects and replaces what changed', () => {
    const cache = new FlowElementCache();
    const before = elementsThrough(index('job.started'), cache);
    const after = elementsThrough(index('job.started') + 1, cache);
    // The job appears; the goal and the first step are the same objects; the second step changed.
    expect(after.nodes.get('job:job_1')).toBeDefined();
    expect(after.nodes.get('start')).toBe(before.nodes.get('start'));
    expect(after.nodes.get('model:call_m1')).toBe(before.nodes.get('model:call_m1'));
    expect(after.edges.find((edge) => edge.id === 'start->model:call_m1')).toBe(
      before.edges.find((edge) => edge.id === 'start->model:call_m1'),
    );
    const selected = elementsThrough(index('job.started') + 1, cache, 'tool:call_t1');
    const step = selected.nodes.get('model:call_m1') as LoopFlowNode;
    expect(step).not.toBe(after.nodes.get('model:call_m1'));
    expect([step.selected, step.data.selectedCall]).toEqual([true, 'tool:call_t1']);
  });

  it('gives each node its laid-out place and size, and each edge its route and kind', () => {
    const { nodes, edges } = elementsThrough(events.length, new FlowElementCache());
    const job = nodes.get('job:job_1')!;
    const step = nodes.get('model:call_m2')!;
    expect(job.position.y).toBeGreaterThan(step.position.y + step.height!);
    expect(edges.find((edge) => edge.target === 'job:job_1')).toMatchObject({
      type: 'route',
      className: 'graph-edge edge-branch',
    });
    expect(nodes.get('attempt:1')).toMatchObject({ type: 'attempt', zIndex: -1, selectable: false });
  });
});
