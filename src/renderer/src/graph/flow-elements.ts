// The loop graph as React Flow nodes and edges. Each element object is kept from one update to the
// next while what it shows is unchanged, so React Flow re-renders only the nodes an event touched: a
// 2,000-node run that gains one event redraws one or two nodes.
import { MarkerType, Position, type Edge, type EdgeMarker, type Node, type NodeHandle } from '@xyflow/react';
import { attemptLabel, type AttemptGroup, type LoopGraph, type LoopNode } from '../../../shared/loop-graph';
import type { NodeStatus } from '../../../shared/run-graph';
import { PORT_Y, type Box, type LoopLayout, type Point } from './loop-layout';

export type { Point };

export type LoopNodeData = {
  item: LoopNode;
  /** The words under the node's heading; for a step, its calls' captions by call id too. */
  caption: string;
  calls: Record<string, string>;
  expanded: boolean;
  /** The call of this step that is selected, if one is. */
  selectedCall: string | null;
};
export type LoopFlowNode = Node<LoopNodeData, 'loop'>;
export type AttemptFlowNode = Node<{ group: AttemptGroup; label: string; live: boolean }, 'attempt'>;
export type RouteEdgeData = { points: Point[]; kind: string; label?: string };
export type RouteFlowEdge = Edge<RouteEdgeData, 'route'>;

export interface Captions {
  caption: (item: LoopNode) => string;
  calls: (item: LoopNode) => Record<string, string>;
}

interface Cached<T> {
  element: T;
  signature: string;
}

function nodeSignature(data: LoopNodeData, box: Box, selected: boolean): string {
  const { item } = data;
  const node = item.node;
  const usage = node?.usage === null || node === null ? '' : `${node.usage.inputTokens}/${node.usage.outputTokens}`;
  const metrics =
    node?.metrics === null || node === null
      ? ''
      : Object.values(node.metrics).reduce((sum, list) => sum + list.length, 0);
  const calls = item.calls.map((call) => `${call.id}:${call.status}`).join(',');
  return [
    item.status,
    data.caption,
    node?.endedAt,
    node?.seqs.length,
    usage,
    metrics,
    calls,
    item.child?.status,
    data.expanded,
    data.selectedCall,
    box.x,
    box.y,
    box.height,
    selected,
  ].join('|');
}

/** Where edges attach, given up front so React Flow need not render every node to measure it. */
function handlesFor(box: Box): NodeHandle[] {
  return [
    { type: 'target', position: Position.Left, x: 0, y: PORT_Y, width: 1, height: 1 },
    { type: 'source', position: Position.Right, x: box.width - 1, y: PORT_Y, width: 1, height: 1 },
  ];
}

/** Arrowheads on the loop's edges, in the edge's colour (a retry's red). */
const markers: Record<string, EdgeMarker | undefined> = {
  next: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: 'var(--faint)' },
  retry: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: 'var(--red)' },
};

const liveStatuses: ReadonlySet<NodeStatus> = new Set(['running', 'waiting']);

/** Whether an id stands for this item: the item itself or one of a step's calls (tool or approval). */
export function holds(item: LoopNode, id: string | null): boolean {
  if (id === null) return false;
  if (item.id === id) return true;
  return item.calls.some((call) => call.id === id || call.tool?.id === id || call.approval?.id === id);
}

/** The element kept from the last pass while its signature is unchanged, else a new one; kept for the next. */
function reuse<T>(
  previous: Map<string, Cached<T>>,
  next: Map<string, Cached<T>>,
  id: string,
  signature: string,
  make: () => T,
): T {
  const known = previous.get(id);
  const element = known?.signature === signature ? known.element : make();
  next.set(id, { element, signature });
  return element;
}

export class FlowElementCache {
  private nodes = new Map<string, Cached<LoopFlowNode>>();
  private groups = new Map<string, Cached<AttemptFlowNode>>();
  private edges = new Map<string, Cached<RouteFlowEdge>>();

  toNodes(
    loop: LoopGraph,
    layout: LoopLayout,
    selectedId: string | null,
    expanded: ReadonlySet<string>,
    captions: Captions,
    live: boolean,
  ): (LoopFlowNode | AttemptFlowNode)[] {
    const result: (LoopFlowNode | AttemptFlowNode)[] = this.toGroups(loop, layout, live);
    const next = new Map<string, Cached<LoopFlowNode>>();
    for (const item of [...loop.main, ...loop.branches]) {
      const box = layout.boxes.get(item.id);
      if (box === undefined) continue;
      const selected = holds(item, selectedId);
      const data: LoopNodeData = {
        item,
        caption: captions.caption(item),
        calls: item.calls.length > 0 ? captions.calls(item) : {},
        expanded: expanded.has(item.id),
        selectedCall: selected && selectedId !== item.id ? selectedId : null,
      };
      const signature = nodeSignature(data, box, selected);
      result.push(
        reuse(this.nodes, next, item.id, signature, (): LoopFlowNode => ({
          id: item.id,
          type: 'loop',
          position: { x: box.x, y: box.y },
          data,
          width: box.width,
          height: box.height,
          measured: { width: box.width, height: box.height },
          handles: handlesFor(box),
          selected,
          draggable: false,
          connectable: false,
          ariaLabel: `${item.kind} ${data.caption}, ${item.status}`,
        })),
      );
    }
    this.nodes = next;
    return result;
  }

  private toGroups(loop: LoopGraph, layout: LoopLayout, live: boolean): AttemptFlowNode[] {
    const next = new Map<string, Cached<AttemptFlowNode>>();
    const result: AttemptFlowNode[] = [];
    loop.groups.forEach((group, index) => {
      const box = layout.groups.get(group.id);
      if (box === undefined) return;
      const label = attemptLabel(group);
      const open = live && index === loop.groups.length - 1 && group.gate === null;
      const signature = [label, open, box.x, box.y, box.width, box.height, group.ids.length].join('|');
      result.push(
        reuse(this.groups, next, group.id, signature, (): AttemptFlowNode => ({
          id: group.id,
          type: 'attempt',
          position: { x: box.x, y: box.y },
          data: { group, label, live: open },
          width: box.width,
          height: box.height,
          measured: { width: box.width, height: box.height },
          selectable: false,
          draggable: false,
          connectable: false,
          focusable: false,
          zIndex: -1,
        })),
      );
    });
    this.groups = next;
    return result;
  }

  toEdges(loop: LoopGraph, layout: LoopLayout): RouteFlowEdge[] {
    const status = new Map([...loop.main, ...loop.branches].map((item) => [item.id, item.status]));
    const next = new Map<string, Cached<RouteFlowEdge>>();
    const result: RouteFlowEdge[] = [];
    for (const edge of loop.edges) {
      const points = layout.routes.get(edge.id);
      if (points === undefined || next.has(edge.id)) continue;
      const live = liveStatuses.has(status.get(edge.target) ?? 'done');
      const signature = `${edge.kind}|${live}|${points.map((point) => `${point.x},${point.y}`).join(' ')}`;
      result.push(
        reuse(this.edges, next, edge.id, signature, (): RouteFlowEdge => ({
          id: edge.id,
          type: 'route',
          source: edge.source,
          target: edge.target,
          data: { points, kind: edge.kind, label: edge.kind === 'retry' ? 'retry' : undefined },
          markerEnd: markers[edge.kind],
          className: `graph-edge edge-${edge.kind}${live ? ' edge-live' : ''}`,
          selectable: false,
          focusable: false,
        })),
      );
    }
    this.edges = next;
    return result;
  }
}
