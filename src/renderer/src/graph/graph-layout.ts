// Positions for a run's graph, top to bottom. A run's graph is a spine of main-line nodes (the goal,
// messages, model calls, evaluations, compactions) with each turn's tool calls, approvals and jobs
// hanging below its model call, so it is laid out one segment (a main node and its branches) at a
// time with dagre's layered layout and the segments are stacked with their heads on one vertical
// line. Segments of the same shape share one dagre run, so a 2,000-node run lays out in milliseconds
// and a live run only ever adds work for its newest segment.
import dagre from '@dagrejs/dagre';
import type { NodeKind, RunGraph } from '../../../shared/run-graph';

export const NODE_WIDTH = 188;
export const NODE_HEIGHT = 50;
const NODE_GAP = 22;
const RANK_GAP = 34;

const mainKinds: ReadonlySet<NodeKind> = new Set(['start', 'message', 'model', 'evaluation', 'compaction']);

/** A node's top-left corner, as React Flow places it. */
export interface Point {
  x: number;
  y: number;
}

export interface GraphLayout {
  positions: Map<string, Point>;
  /** The bounding box of every node. */
  bounds: { x: number; y: number; width: number; height: number };
}

/** A main node and the branches hanging off it; edges by index into `ids`. */
export interface Segment {
  ids: string[];
  edges: [number, number][];
}

/** Where each node of one segment shape goes, relative to the segment's top-left corner. */
interface ShapeLayout {
  points: Point[];
  width: number;
  height: number;
  /** The x of the head node's centre. */
  headX: number;
}

export type ShapeCache = Map<string, ShapeLayout>;

const SHAPE_CACHE_LIMIT = 2000;
const sharedCache: ShapeCache = new Map();

/** Splits the graph into segments: each main node opens one; a branch joins the segment of its parent. */
export function segmentGraph(graph: RunGraph): Segment[] {
  const parentOf = new Map<string, string>();
  for (const edge of graph.edges) {
    if (edge.kind === 'next' && !parentOf.has(edge.target)) parentOf.set(edge.target, edge.source);
  }
  const segments: Segment[] = [];
  const segmentOf = new Map<string, number>();
  const localIndex = new Map<string, number>();
  for (const node of graph.nodes) {
    const parent = parentOf.get(node.id);
    const parentSegment = parent === undefined ? undefined : segmentOf.get(parent);
    const opens = mainKinds.has(node.kind) || segments.length === 0;
    if (opens) segments.push({ ids: [], edges: [] });
    const index = opens ? segments.length - 1 : (parentSegment ?? segments.length - 1);
    const segment = segments[index]!;
    segmentOf.set(node.id, index);
    localIndex.set(node.id, segment.ids.length);
    segment.ids.push(node.id);
  }
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    if (seen.has(edge.id)) continue;
    seen.add(edge.id);
    const source = segmentOf.get(edge.source);
    if (source === undefined || source !== segmentOf.get(edge.target)) continue;
    segments[source]!.edges.push([localIndex.get(edge.source)!, localIndex.get(edge.target)!]);
  }
  return segments;
}

export function shapeKey(segment: Segment): string {
  return `${segment.ids.length}|${segment.edges.map(([from, to]) => `${from}-${to}`).join(',')}`;
}

function layoutShape(segment: Segment): ShapeLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  segment.ids.forEach((_, index) => graph.setNode(String(index), { width: NODE_WIDTH, height: NODE_HEIGHT }));
  for (const [from, to] of segment.edges) graph.setEdge(String(from), String(to));
  // Insertion order keeps a turn's calls left to right in the order the model made them.
  dagre.layout(graph, { disableOptimalOrderHeuristic: true });
  const centres = segment.ids.map((_, index) => graph.node(String(index)));
  const left = Math.min(...centres.map((centre) => centre.x)) - NODE_WIDTH / 2;
  const top = Math.min(...centres.map((centre) => centre.y)) - NODE_HEIGHT / 2;
  const points = centres.map((centre) => ({
    x: centre.x - NODE_WIDTH / 2 - left,
    y: centre.y - NODE_HEIGHT / 2 - top,
  }));
  return {
    points,
    width: Math.max(...points.map((point) => point.x)) + NODE_WIDTH,
    height: Math.max(...points.map((point) => point.y)) + NODE_HEIGHT,
    headX: points[0]!.x + NODE_WIDTH / 2,
  };
}

function shapeLayout(segment: Segment, cache: ShapeCache): ShapeLayout {
  const key = shapeKey(segment);
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (cache.size >= SHAPE_CACHE_LIMIT) cache.clear();
  const computed = layoutShape(segment);
  cache.set(key, computed);
  return computed;
}

/** Lays the graph out; the head of every segment is centred on x = 0. */
export function layoutGraph(graph: RunGraph, cache: ShapeCache = sharedCache): GraphLayout {
  const positions = new Map<string, Point>();
  let top = 0;
  let left = 0;
  let right = 0;
  for (const segment of segmentGraph(graph)) {
    const shape = shapeLayout(segment, cache);
    segment.ids.forEach((id, index) => {
      const point = shape.points[index]!;
      positions.set(id, { x: point.x - shape.headX, y: point.y + top });
    });
    left = Math.min(left, -shape.headX);
    right = Math.max(right, shape.width - shape.headX);
    top += shape.height + RANK_GAP;
  }
  const height = Math.max(0, top - RANK_GAP);
  return { positions, bounds: { x: left, y: 0, width: right - left, height } };
}
