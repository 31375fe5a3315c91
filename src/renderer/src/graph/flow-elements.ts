// Turns the reducer's graph and its layout into React Flow's nodes and edges. Objects are kept from
// one update to the next while what they show is unchanged, so React Flow re-renders only the nodes
// an event touched: a 2,000-node run that gains one event redraws one or two nodes.
import { Position, type Edge, type Node, type NodeHandle } from '@xyflow/react';
import type { GraphNode, NodeStatus, RunGraph } from '../../../shared/run-graph';
import { NODE_HEIGHT, NODE_WIDTH, type Point } from './graph-layout';

export type RunNodeData = { node: GraphNode; caption: string };
export type RunFlowNode = Node<RunNodeData, 'run'>;

interface Cached<T> {
  element: T;
  signature: string;
}

/** What a node shows; when this is unchanged the previous object is reused. */
function nodeSignature(node: GraphNode, caption: string, point: Point, selected: boolean): string {
  const usage = node.usage === null ? '' : `${node.usage.inputTokens}/${node.usage.outputTokens}/${node.usage.cost}`;
  const metrics = node.metrics === null ? '' : Object.values(node.metrics).reduce((sum, list) => sum + list.length, 0);
  return [node.status, caption, node.endedAt, node.seqs.length, usage, metrics, point.x, point.y, selected].join('|');
}

/**
 * Where the edges attach, given up front with each node's size: React Flow would otherwise render
 * every node once, in or out of view, only to measure it, and hold back `fitView` until it had.
 */
const handles: NodeHandle[] = [
  { type: 'target', position: Position.Top, x: NODE_WIDTH / 2 - 0.5, y: 0, width: 1, height: 1 },
  { type: 'source', position: Position.Bottom, x: NODE_WIDTH / 2 - 0.5, y: NODE_HEIGHT - 1, width: 1, height: 1 },
];

const liveStatuses: ReadonlySet<NodeStatus> = new Set(['running', 'waiting']);

export class FlowElementCache {
  private nodes = new Map<string, Cached<RunFlowNode>>();
  private edges = new Map<string, Cached<Edge>>();

  toNodes(
    graph: RunGraph,
    positions: ReadonlyMap<string, Point>,
    selectedId: string | null,
    caption: (node: GraphNode) => string = (node) => node.label,
  ): RunFlowNode[] {
    const next = new Map<string, Cached<RunFlowNode>>();
    const result: RunFlowNode[] = [];
    for (const node of graph.nodes) {
      const point = positions.get(node.id) ?? { x: 0, y: 0 };
      const selected = node.id === selectedId;
      const text = caption(node);
      const signature = nodeSignature(node, text, point, selected);
      const known = this.nodes.get(node.id);
      const element =
        known?.signature === signature
          ? known.element
          : {
              id: node.id,
              type: 'run' as const,
              position: point,
              data: { node, caption: text },
              width: NODE_WIDTH,
              height: NODE_HEIGHT,
              measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
              handles,
              selected,
              draggable: false,
              connectable: false,
              ariaLabel: `${node.kind} ${text}, ${node.status}`,
            };
      next.set(node.id, { element, signature });
      result.push(element);
    }
    this.nodes = next;
    return result;
  }

  toEdges(graph: RunGraph): Edge[] {
    const status = new Map(graph.nodes.map((node) => [node.id, node.status]));
    const next = new Map<string, Cached<Edge>>();
    const result: Edge[] = [];
    for (const edge of graph.edges) {
      if (next.has(edge.id)) continue;
      const live = liveStatuses.has(status.get(edge.target) ?? 'done');
      const signature = `${edge.kind}|${live}`;
      const known = this.edges.get(edge.id);
      const element =
        known?.signature === signature
          ? known.element
          : {
              id: edge.id,
              source: edge.source,
              target: edge.target,
              className: `graph-edge edge-${edge.kind}${live ? ' edge-live' : ''}`,
              selectable: false,
              focusable: false,
            };
      next.set(edge.id, { element, signature });
      result.push(element);
    }
    this.edges = next;
    return result;
  }
}
