import { describe, expect, it } from 'vitest';
import type { GraphNode, RunGraph } from '../../../shared/run-graph';
import { FlowElementCache } from './flow-elements';

function node(id: string, status: GraphNode['status'] = 'done'): GraphNode {
  return { id, kind: 'tool', label: id, status, seqs: [1], startedAt: 0, endedAt: null, usage: null, metrics: null };
}

function graph(nodes: GraphNode[], fork = false): RunGraph {
  const edges: RunGraph['edges'] = nodes.slice(1).map((target, index) => {
    const source = nodes[index]!.id;
    return { id: `${source}->${target.id}`, source, target: target.id, kind: 'next' };
  });
  if (fork) edges.push({ id: 'p->a', source: 'p', target: 'a', kind: 'fork' });
  return { nodes, edges };
}

const positions = new Map([
  ['a', { x: 0, y: 0 }],
  ['b', { x: 0, y: 100 }],
  ['c', { x: 0, y: 200 }],
]);

describe('flow elements', () => {
  it('keeps unchanged nodes and edges as the same objects and replaces what changed', () => {
    const cache = new FlowElementCache();
    const first = cache.toNodes(graph([node('a'), node('b', 'running')]), positions, null);
    const firstEdges = cache.toEdges(graph([node('a'), node('b', 'running')]));
    expect(first.map((item) => [item.id, item.position, item.selected, item.data.node.status])).toEqual([
      ['a', { x: 0, y: 0 }, false, 'done'],
      ['b', { x: 0, y: 100 }, false, 'running'],
    ]);
    expect(firstEdges.map((edge) => [edge.id, edge.className])).toEqual([['a->b', 'graph-edge edge-next edge-live']]);

    const grown = graph([node('a'), node('b'), node('c', 'running')]);
    const second = cache.toNodes(grown, positions, 'a');
    const secondEdges = cache.toEdges(grown);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]!.selected).toBe(true);
    expect(second[1]).not.toBe(first[1]);
    expect(secondEdges[0]).not.toBe(firstEdges[0]);
    expect(secondEdges.map((edge) => [edge.id, edge.className])).toEqual([
      ['a->b', 'graph-edge edge-next'],
      ['b->c', 'graph-edge edge-next edge-live'],
    ]);

    const third = cache.toNodes(grown, positions, 'a');
    expect(third.every((item, index) => item === second[index])).toBe(true);
    expect(cache.toEdges(grown).every((edge, index) => edge === secondEdges[index])).toBe(true);
  });

  it('draws fork edges apart from the rest and drops repeated edges', () => {
    const cache = new FlowElementCache();
    const withFork = graph([node('a'), node('b')], true);
    withFork.edges.push({ ...withFork.edges[0]! });
    expect(cache.toEdges(withFork).map((edge) => [edge.id, edge.className])).toEqual([
      ['a->b', 'graph-edge edge-next'],
      ['p->a', 'graph-edge edge-fork'],
    ]);
  });
});
