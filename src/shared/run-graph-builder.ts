// How nodes join a run's graph as its events are read: a main-line node follows the whole previous turn,
// a branch (approval, tool call, job) hangs off its parent, and a node finishes with the event that ends it.
import type { RunEvent } from './events';
import type { GraphEdge, GraphNode, NodeKind, NodeStatus, RunGraph } from './run-graph';

export interface Builder {
  nodes: Map<string, GraphNode>;
  edges: GraphEdge[];
  /** The last node on the main line of the run (start, message, model call, evaluation...). */
  anchor: string | null;
  /** Branches off the anchor in the current turn (approvals, tools, jobs): the next main-line node follows all of them. */
  leaves: string[];
  /** Which model call asked for each tool call id. */
  callOwner: Map<string, string>;
  /** In a fork: the last seq copied from the parent run. */
  inheritedUpTo: number | null;
}

export function addEdge(builder: Builder, source: string, target: string, kind: GraphEdge['kind'] = 'next'): void {
  builder.edges.push({ id: `${source}->${target}`, source, target, kind });
}

export function addNode(builder: Builder, event: RunEvent, id: string, kind: NodeKind, label: string): GraphNode {
  const node: GraphNode = {
    id,
    kind,
    label,
    status: 'running',
    seqs: [event.seq],
    startedAt: event.time,
    endedAt: null,
    usage: null,
    metrics: null,
  };
  if (builder.inheritedUpTo !== null && event.seq > 0 && event.seq <= builder.inheritedUpTo) node.inherited = true;
  builder.nodes.set(id, node);
  return node;
}

/** A main-line node: follows every leaf of the previous turn, or the anchor when there were none. */
export function addMainNode(builder: Builder, event: RunEvent, id: string, kind: NodeKind, label: string): GraphNode {
  const node = addNode(builder, event, id, kind, label);
  const sources = builder.leaves.length > 0 ? builder.leaves : builder.anchor === null ? [] : [builder.anchor];
  for (const source of sources) addEdge(builder, source, id);
  builder.anchor = id;
  builder.leaves = [];
  return node;
}

/** A branch node: hangs off a given parent (or the anchor) and becomes a leaf of the current turn. */
export function addBranchNode(
  builder: Builder,
  event: RunEvent,
  id: string,
  kind: NodeKind,
  label: string,
  parent: string | undefined,
): GraphNode {
  const node = addNode(builder, event, id, kind, label);
  const source = parent ?? builder.anchor;
  if (source !== null) addEdge(builder, source, id);
  builder.leaves = builder.leaves.filter((leaf) => leaf !== source);
  builder.leaves.push(id);
  return node;
}

export function finish(builder: Builder, id: string, event: RunEvent, status: NodeStatus): GraphNode | undefined {
  const node = builder.nodes.get(id);
  if (node === undefined) return undefined;
  node.seqs.push(event.seq);
  node.status = status;
  node.endedAt = event.time;
  return node;
}

/** The command or job running now (the newest), whose connections these are as far as the log can tell. */
export function runningNode(builder: Builder): string | undefined {
  const nodes = [...builder.nodes.values()];
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index]!;
    if (node.status === 'running' && (node.kind === 'tool' || node.kind === 'job')) return node.id;
  }
  return undefined;
}

export function newBuilder(): Builder {
  return { nodes: new Map(), edges: [], anchor: null, leaves: [], callOwner: new Map(), inheritedUpTo: null };
}

export function builtGraph(builder: Builder): RunGraph {
  return { nodes: [...builder.nodes.values()], edges: builder.edges };
}
