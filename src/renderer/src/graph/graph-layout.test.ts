import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../shared/events';
import { buildGraph, type GraphNode, type RunGraph } from '../../../shared/run-graph';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, segmentGraph, type ShapeCache } from './graph-layout';

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_test', seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

const sampleGraph = buildGraph(toEvents([{ type: 'run.created', payload: sampleCreated() }, ...sampleRunDrafts()]));

function node(id: string, kind: GraphNode['kind']): GraphNode {
  return { id, kind, label: id, status: 'done', seqs: [], startedAt: 0, endedAt: null, usage: null, metrics: null };
}

/** A long run: model calls each followed by one to three tool calls that all lead to the next call. */
function longRun(nodeCount: number): RunGraph {
  const graph: RunGraph = { nodes: [node('start', 'start')], edges: [] };
  let previous = ['start'];
  for (let turn = 0; graph.nodes.length < nodeCount; turn++) {
    const model = `model:${turn}`;
    graph.nodes.push(node(model, 'model'));
    for (const source of previous) graph.edges.push({ id: `${source}->${model}`, source, target: model, kind: 'next' });
    previous = [];
    for (let index = 0; index <= turn % 3; index++) {
      const tool = `tool:${turn}:${index}`;
      graph.nodes.push(node(tool, 'tool'));
      graph.edges.push({ id: `${model}->${tool}`, source: model, target: tool, kind: 'next' });
      previous.push(tool);
    }
  }
  return graph;
}

describe('graph layout', () => {
  it('cuts the run into a main node per segment with the branches that hang off it', () => {
    expect(segmentGraph(sampleGraph)).toEqual([
      { ids: ['start'], edges: [] },
      {
        ids: ['model:call_m1', 'tool:call_t1', 'approval:call_t2', 'tool:call_t2'],
        edges: [
          [0, 1],
          [0, 2],
          [2, 3],
        ],
      },
      {
        ids: ['model:call_m2', 'tool:call_t3', 'job:job_1'],
        edges: [
          [0, 1],
          [1, 2],
        ],
      },
      { ids: ['evaluation:eval_1'], edges: [] },
      { ids: ['model:call_m3'], edges: [] },
    ]);
  });

  it('puts every main node on one vertical line, each segment below the last, nothing overlapping', () => {
    const { positions, bounds } = layoutGraph(sampleGraph, new Map());
    const centreX = (id: string) => positions.get(id)!.x + NODE_WIDTH / 2;
    for (const id of ['start', 'model:call_m1', 'model:call_m2', 'evaluation:eval_1', 'model:call_m3']) {
      expect(centreX(id)).toBe(0);
    }
    const y = (id: string) => positions.get(id)!.y;
    expect(y('start')).toBe(0);
    expect(y('model:call_m1')).toBeGreaterThan(y('start'));
    expect(y('tool:call_t1')).toBeGreaterThan(y('model:call_m1'));
    expect(y('approval:call_t2')).toBe(y('tool:call_t1'));
    expect(y('tool:call_t2')).toBeGreaterThan(y('approval:call_t2'));
    expect(y('model:call_m2')).toBeGreaterThan(y('tool:call_t2'));
    expect(y('job:job_1')).toBeGreaterThan(y('tool:call_t3'));
    expect(y('model:call_m3')).toBeGreaterThan(y('evaluation:eval_1'));

    const boxes = [...positions.values()];
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
        expect(apart).toBe(true);
      }
    }
    expect(bounds.y).toBe(0);
    expect(bounds.height).toBe(y('model:call_m3') + NODE_HEIGHT);
    expect(Math.min(...boxes.map((box) => box.x))).toBe(bounds.x);
  });

  it('keeps earlier positions when a live run grows', () => {
    const cache: ShapeCache = new Map();
    const small = longRun(40);
    const before = layoutGraph(small, cache).positions;
    const after = layoutGraph(longRun(60), cache).positions;
    const growing = new Set(segmentGraph(small).at(-1)!.ids);
    const settled = [...before].filter(([id]) => !growing.has(id));
    expect(settled.length).toBeGreaterThan(30);
    for (const [id, point] of settled) expect(after.get(id)).toEqual(point);
  });

  it('lays out 2,000 nodes quickly by sharing the layout of segments with the same shape', () => {
    const graph = longRun(2000);
    const cache: ShapeCache = new Map();
    const started = performance.now();
    const { positions } = layoutGraph(graph, cache);
    const elapsed = performance.now() - started;
    expect(positions.size).toBe(graph.nodes.length);
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(elapsed).toBeLessThan(500);
  });
});
