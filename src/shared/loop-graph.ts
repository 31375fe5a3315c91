// The run's graph in the loop's shape, derived from the event graph (run-graph.ts): one step node per
// model turn with the tool calls it made listed inside, the harness's evaluations as gates that close
// an attempt, jobs as branches off the step that started them, and the run's lineage (the run it came
// from, the runs made from it). The event graph stays the source of truth for what a selected node
// holds; every node here carries the id of the event-graph node it stands for.
import { groupAttempts, type AttemptGroup } from './loop-attempts';
import type { GraphNode, NodeStatus, RunGraph } from './run-graph';

export { attemptLabel, scoreText, shortMetric, targetText, type AttemptGroup } from './loop-attempts';

export type LoopNodeKind = 'goal' | 'parent' | 'child' | 'message' | 'step' | 'gate' | 'compaction' | 'job';

/** One tool call a step made: its approval (when it needed one) and its run. */
export interface LoopCall {
  /** The id to select: the approval while it waits or was rejected, else the tool call. */
  id: string;
  name: string;
  status: NodeStatus;
  tool: GraphNode | null;
  approval: GraphNode | null;
}

/** A run made from this one: a fork, a replay or a run again. */
export interface ChildRun {
  runId: string;
  relation: 'fork' | 'replay' | 'run again';
  /** The seq it left this run at (a fork's), else null. */
  seq: number | null;
  status: string;
  title: string;
}

export interface LoopNode {
  /** The event-graph node it stands for (`model:…`, `job:…`, `evaluation:…`), or `child:<runId>`. */
  id: string;
  kind: LoopNodeKind;
  /** The event-graph node; null for a child run. */
  node: GraphNode | null;
  status: NodeStatus;
  /** A step's tool calls, in the order they ran. */
  calls: LoopCall[];
  /** A step's number in the run, from 1 (0 for other nodes). */
  index: number;
  /** The attempt a main node belongs to, when the run has an evaluation gate. */
  attempt: number | null;
  /** A branch's main node (a job's step, a child run's fork point); null on the main line. */
  owner: string | null;
  child?: ChildRun;
}

export interface LoopEdge {
  id: string;
  source: string;
  target: string;
  /** next: along the loop; retry: from a gate that failed back into the loop; branch: a job; lineage: runs. */
  kind: 'next' | 'retry' | 'branch' | 'lineage';
}

export interface LoopGraph {
  /** The loop in order: the goal, messages, steps, gates and compactions. */
  main: LoopNode[];
  /** Off the main line: jobs, child runs and the parent run, each with its owner. */
  branches: LoopNode[];
  groups: AttemptGroup[];
  edges: LoopEdge[];
  /** The approvals waiting for a person, by event-graph id. */
  waiting: string[];
}

/** Which node each node hangs from in the event graph (its first incoming edge). */
function parentsOf(graph: RunGraph): Map<string, string> {
  const parents = new Map<string, string>();
  for (const edge of graph.edges) if (!parents.has(edge.target)) parents.set(edge.target, edge.source);
  return parents;
}

/** The model call a tool, approval or job descends from, if any. */
function stepOf(id: string, parents: ReadonlyMap<string, string>): string | undefined {
  let current: string | undefined = id;
  for (let hops = 0; current !== undefined && hops < 4; hops++) {
    if (current.startsWith('model:')) return current;
    current = parents.get(current);
  }
  return undefined;
}

function callStatus(tool: GraphNode | null, approval: GraphNode | null): NodeStatus {
  if (approval !== null && (approval.status === 'waiting' || approval.status === 'rejected')) return approval.status;
  // A network question answered is done: no call runs after it.
  if (tool === null && approval?.asks === 'network') return approval.status;
  return tool?.status ?? 'running';
}

function stepStatus(model: GraphNode, calls: readonly LoopCall[]): NodeStatus {
  if (calls.some((call) => call.status === 'waiting')) return 'waiting';
  if (model.status === 'running' || calls.some((call) => call.status === 'running')) return 'running';
  return model.status === 'error' ? 'error' : 'done';
}

function loopNode(node: GraphNode | null, kind: LoopNodeKind, id = node?.id ?? ''): LoopNode {
  return { id, kind, node, status: node?.status ?? 'done', calls: [], index: 0, attempt: null, owner: null };
}

const mainKinds: Partial<Record<GraphNode['kind'], LoopNodeKind>> = {
  start: 'goal',
  message: 'message',
  model: 'step',
  evaluation: 'gate',
  compaction: 'compaction',
};

/** Where a child run attaches: the main node it left this run from (a fork's seq), else the goal. */
function attachPoint(main: readonly LoopNode[], seq: number | null): string | undefined {
  if (seq === null) return main[0]?.id;
  let found = main[0]?.id;
  for (const item of main) {
    const first = item.node?.seqs[0];
    if (first !== undefined && first <= seq) found = item.id;
  }
  return found;
}

/** Puts a tool call or its approval on its call's line in the step, which shows whichever holds the call. */
function addToCall(step: LoopNode, calls: Map<string, LoopCall>, node: GraphNode): void {
  const callId = node.id.slice(node.id.indexOf(':') + 1);
  let call = calls.get(callId);
  if (call === undefined) {
    call = { id: node.id, name: node.label, status: node.status, tool: null, approval: null };
    calls.set(callId, call);
    step.calls.push(call);
  }
  if (node.kind === 'approval') call.approval = node;
  else call.tool = node;
  call.status = callStatus(call.tool, call.approval);
  const approvalHolds = call.approval !== null && (call.status === 'waiting' || call.status === 'rejected');
  call.id = approvalHolds || call.tool === null ? call.approval!.id : call.tool.id;
  if (node.kind === 'tool') call.name = node.label;
}

export function buildLoopGraph(graph: RunGraph, children: readonly ChildRun[] = []): LoopGraph {
  const parents = parentsOf(graph);
  const main: LoopNode[] = [];
  const branches: LoopNode[] = [];
  const steps = new Map<string, LoopNode>();
  const calls = new Map<string, LoopCall>();
  const waiting: string[] = [];
  const edges: LoopEdge[] = [];
  for (const node of graph.nodes) {
    const kind = mainKinds[node.kind];
    if (kind !== undefined) {
      const item = loopNode(node, kind);
      if (kind === 'step') {
        item.index = steps.size + 1;
        steps.set(node.id, item);
      }
      main.push(item);
      continue;
    }
    if (node.kind === 'parent') {
      branches.push({ ...loopNode(node, 'parent'), owner: 'start' });
      edges.push({ id: `${node.id}->start`, source: node.id, target: 'start', kind: 'lineage' });
      continue;
    }
    const owner = stepOf(node.id, parents) ?? main.at(-1)?.id;
    if (node.kind === 'job') {
      branches.push({ ...loopNode(node, 'job'), owner: owner ?? null });
      if (owner !== undefined)
        edges.push({ id: `${owner}->${node.id}`, source: owner, target: node.id, kind: 'branch' });
      continue;
    }
    // A tool call or its approval: one line in its step.
    const step = owner === undefined ? undefined : steps.get(owner);
    if (step !== undefined) addToCall(step, calls, node);
  }
  for (const step of steps.values()) {
    step.status = stepStatus(step.node!, step.calls);
    for (const call of step.calls) if (call.approval?.status === 'waiting') waiting.push(call.approval.id);
  }
  for (const child of children) {
    const owner = attachPoint(main, child.relation === 'fork' ? child.seq : null);
    if (owner === undefined) continue;
    const id = `child:${child.runId}`;
    branches.push({ ...loopNode(null, 'child', id), owner, child });
    edges.push({ id: `${owner}->${id}`, source: owner, target: id, kind: 'lineage' });
  }
  const groups = groupAttempts(main);
  edges.push(...mainEdges(main));
  return { main, branches, groups, edges, waiting };
}

/** Each main node follows the one before it; from a gate that was not passed, the loop retries. */
function mainEdges(main: readonly LoopNode[]): LoopEdge[] {
  const edges: LoopEdge[] = [];
  for (let index = 1; index < main.length; index++) {
    const source = main[index - 1]!;
    const target = main[index]!;
    const score = source.kind === 'gate' ? source.node?.evaluation : undefined;
    const retry = score !== undefined && (score.passed === false || score.value === null);
    edges.push({
      id: `${source.id}->${target.id}`,
      source: source.id,
      target: target.id,
      kind: retry ? 'retry' : 'next',
    });
  }
  return edges;
}
