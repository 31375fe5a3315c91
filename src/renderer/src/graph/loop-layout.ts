// Where the loop graph's nodes go. The goal stands in a column of its own on the left (the run it came
// from above it); the loop reads from there left to right in lines of `columns` nodes, like text, each
// attempt a box of its own lines; a step's jobs and child runs hang below it. Edges are routed here
// too, as polylines through the gaps between lines, so a line's wrap and an attempt's retry run back
// to the left without crossing a node. One pass over the nodes, so a 2,000-node run lays out at once
// and a live run's older nodes keep their places.
import type { LoopGraph, LoopNode } from '../../../shared/loop-graph';
import { networkOf } from './network-of';

export const NODE_WIDTH = 220;
const H_GAP = 48;
const LINE_GAP = 40;
const BRANCH_GAP = 20;
const BRANCH_INDENT = 20;
const GROUP_PAD = 14;
const GROUP_HEAD = 34;
const GROUP_GAP = 30;
/** How far below a node's top its edges leave and arrive. */
export const PORT_Y = 20;
const CALL_ROW = 18;
/** The line saying what a step's commands or a job did on the network. */
const NETWORK_ROW = 18;
/** Calls a step lists before "+N more" (all of them once expanded). */
export const SHOWN_CALLS = 3;
const PITCH = NODE_WIDTH + H_GAP;
/** How far beside a node an edge turns back to the left: inside its attempt's box. */
const TURN = GROUP_PAD - 4;

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface LoopLayout {
  boxes: Map<string, Box>;
  /** Attempt boxes, by group id. */
  groups: Map<string, Box>;
  /** Edge paths, by edge id. */
  routes: Map<string, Point[]>;
  bounds: Box;
}

/** The calls a step shows: all when expanded, else the first few. */
export function shownCalls(item: LoopNode, expanded: boolean): number {
  return expanded ? item.calls.length : Math.min(item.calls.length, SHOWN_CALLS);
}

export function nodeHeight(item: LoopNode, expanded = false): number {
  const baseline = item.node?.baseline !== undefined || item.node?.evaluation?.baseline !== undefined;
  return baseHeight(item, expanded) + (networkOf(item) === undefined ? 0 : NETWORK_ROW) + (baseline ? NETWORK_ROW : 0);
}

function baseHeight(item: LoopNode, expanded: boolean): number {
  switch (item.kind) {
    case 'step': {
      const more = item.calls.length > SHOWN_CALLS ? 1 : 0;
      const banner = item.status === 'waiting' ? 26 : 0;
      return 52 + banner + (shownCalls(item, expanded) + more) * CALL_ROW + (item.calls.length > 0 ? 6 : 0);
    }
    case 'goal':
    case 'gate':
    case 'job':
      return 66;
    default:
      return 52;
  }
}

/** How many nodes a line holds for a pane this wide, read at `zoom`. */
export function columnsFor(width: number, zoom: number): number {
  const room = width / zoom - PITCH - 2 * GROUP_PAD;
  return Math.max(2, Math.min(12, Math.floor((room + H_GAP) / PITCH)));
}

interface Placed {
  box: Box;
  /** The free channel above the node's line, where edges into it run left. */
  channel: number;
}

export function layoutLoop(loop: LoopGraph, columns: number, expanded: ReadonlySet<string> = new Set()): LoopLayout {
  const boxes = new Map<string, Box>();
  const placed = new Map<string, Placed>();
  const height = (item: LoopNode) => nodeHeight(item, expanded.has(item.id));
  const grouped = loop.groups.length > 0;
  const parent = loop.branches.find((branch) => branch.kind === 'parent');
  const head = grouped ? GROUP_HEAD + GROUP_PAD : 0;
  const firstTop = Math.max(head, parent === undefined ? 0 : height(parent) + LINE_GAP);
  if (parent !== undefined)
    boxes.set(parent.id, { x: 0, y: firstTop - LINE_GAP - height(parent), width: NODE_WIDTH, height: height(parent) });

  const place = placer(boxes, placed, height, branchesByOwner(loop));

  const goal = loop.main[0]?.kind === 'goal' ? loop.main[0] : undefined;
  if (goal !== undefined) place(goal, 0, firstTop, firstTop - LINE_GAP / 2);
  const rest = goal === undefined ? loop.main : loop.main.slice(1);
  const blocks = grouped ? loop.groups.map((group) => group.ids) : [rest.map((item) => item.id)];
  const byId = new Map(loop.main.map((item) => [item.id, item]));
  const widest = Math.min(columns, Math.max(1, ...blocks.map((ids) => ids.length)));
  const groups = new Map<string, Box>();
  let top = firstTop;
  blocks.forEach((ids, blockIndex) => {
    const blockTop = top - head;
    for (let start = 0; start < ids.length; start += columns) {
      const channel = start === 0 ? blockTop - (grouped ? GROUP_GAP : LINE_GAP) / 2 : top - LINE_GAP / 2;
      let lineBottom = top;
      ids.slice(start, start + columns).forEach((id, index) => {
        const item = byId.get(id);
        if (item !== undefined) lineBottom = Math.max(lineBottom, place(item, PITCH * (index + 1), top, channel));
      });
      top = lineBottom + LINE_GAP;
    }
    const blockBottom = top - LINE_GAP + (grouped ? GROUP_PAD : 0);
    const group = loop.groups[blockIndex];
    if (group !== undefined) {
      const width = widest * PITCH - H_GAP + 2 * GROUP_PAD;
      groups.set(group.id, { x: PITCH - GROUP_PAD, y: blockTop, width, height: blockBottom - blockTop });
    }
    top = blockBottom + (grouped ? GROUP_GAP + head : LINE_GAP);
  });
  const routes = routeEdges(loop, boxes, placed);
  return { boxes, groups, routes, bounds: boundsOf([...boxes.values(), ...groups.values()]) };
}

/** The branches (jobs, child runs) of each node, by the node they hang from. */
function branchesByOwner(loop: LoopGraph): Map<string, LoopNode[]> {
  const branchesOf = new Map<string, LoopNode[]>();
  for (const branch of loop.branches) {
    if (branch.kind === 'parent' || branch.owner === null) continue;
    const list = branchesOf.get(branch.owner) ?? [];
    list.push(branch);
    branchesOf.set(branch.owner, list);
  }
  return branchesOf;
}

/** Places a node and its branches below it, indented; the returned function gives the bottom of the lot. */
function placer(
  boxes: Map<string, Box>,
  placed: Map<string, Placed>,
  height: (item: LoopNode) => number,
  branchesOf: Map<string, LoopNode[]>,
): (item: LoopNode, x: number, y: number, channel: number) => number {
  return (item, x, y, channel) => {
    const box = { x, y, width: NODE_WIDTH, height: height(item) };
    boxes.set(item.id, box);
    placed.set(item.id, { box, channel });
    let bottom = y + box.height;
    for (const branch of branchesOf.get(item.id) ?? []) {
      const size = height(branch);
      boxes.set(branch.id, {
        x: x + BRANCH_INDENT,
        y: bottom + BRANCH_GAP,
        width: NODE_WIDTH - BRANCH_INDENT,
        height: size,
      });
      bottom += BRANCH_GAP + size;
    }
    return bottom;
  };
}

function routeEdges(loop: LoopGraph, boxes: Map<string, Box>, placed: Map<string, Placed>): Map<string, Point[]> {
  const routes = new Map<string, Point[]>();
  for (const edge of loop.edges) {
    const from = boxes.get(edge.source);
    const to = boxes.get(edge.target);
    if (from === undefined || to === undefined) continue;
    routes.set(edge.id, route(edge.kind, from, to, placed.get(edge.target)?.channel));
  }
  return routes;
}

function route(kind: string, from: Box, to: Box, channel: number | undefined): Point[] {
  if (kind === 'branch' || (kind === 'lineage' && to.y > from.y + from.height && to.x > from.x)) {
    // Down the left side of the node it hangs from, then into the branch.
    const x = from.x + BRANCH_INDENT / 2;
    return [
      { x, y: from.y + from.height },
      { x, y: to.y + PORT_Y },
      { x: to.x, y: to.y + PORT_Y },
    ];
  }
  if (kind === 'lineage') {
    return [
      { x: from.x + from.width / 2, y: from.y + from.height },
      { x: to.x + to.width / 2, y: to.y },
    ];
  }
  const out = { x: from.x + from.width, y: from.y + PORT_Y };
  const into = { x: to.x, y: to.y + PORT_Y };
  if (to.y === from.y && to.x > from.x) return [out, into];
  // Back to the left through the channel above the target's line.
  const lane = channel ?? to.y - LINE_GAP / 2;
  const right = out.x + TURN;
  const left = into.x - TURN;
  return [out, { x: right, y: out.y }, { x: right, y: lane }, { x: left, y: lane }, { x: left, y: into.y }, into];
}

function boundsOf(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const left = Math.min(...boxes.map((box) => box.x));
  const top = Math.min(...boxes.map((box) => box.y));
  const right = Math.max(...boxes.map((box) => box.x + box.width));
  const bottom = Math.max(...boxes.map((box) => box.y + box.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}
