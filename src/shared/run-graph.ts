// Turns a run's events into the graph the UI draws: one node per model call, tool call, approval,
// job, evaluation, user message and compaction; edges for what followed what, and for a fork's parent.
import { previewText, type RunEvent, type Usage } from './events';
import { unreachable } from './exhaustive';
import { reached, type EvaluationFacts } from './evaluation-facts';
import { countConnection, type NetworkFacts } from './network-facts';

export type { EvaluationFacts } from './evaluation-facts';
import { isRunAgain } from './run-summary';

export type NodeKind =
  'start' | 'parent' | 'message' | 'model' | 'tool' | 'approval' | 'job' | 'evaluation' | 'compaction';

export type NodeStatus = 'running' | 'done' | 'error' | 'waiting' | 'rejected';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  status: NodeStatus;
  /** The events that make up this node, in order; the UI loads their full payloads on demand. */
  seqs: number[];
  startedAt: number;
  endedAt: number | null;
  usage: Usage | null;
  metrics: Record<string, number[]> | null;
  /** In a fork: the node is the parent run's, copied up to the fork point (set only then). */
  inherited?: true;
  /** An evaluation's score against its target (set on evaluation nodes only). */
  evaluation?: EvaluationFacts;
  /** On the goal: the baseline the harness scored, which every attempt must beat. */
  baseline?: { label: string; metric: string; value: number };
  /** An approval that asks whether the sandbox may reach a host: no tool call follows it. */
  asks?: 'network';
  /** Connections through the egress proxy while this node ran (a command or a job); set when there were some. */
  network?: NetworkFacts;
  /** On a GPU job: the loop parked (no model call) while it ran, or `woke` once it went on. */
  parkedLoop?: 'parked' | 'woke';
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: 'next' | 'fork';
}

export interface RunGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

interface Builder {
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

function addEdge(builder: Builder, source: string, target: string, kind: GraphEdge['kind'] = 'next'): void {
  builder.edges.push({ id: `${source}->${target}`, source, target, kind });
}

function addNode(builder: Builder, event: RunEvent, id: string, kind: NodeKind, label: string): GraphNode {
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
function addMainNode(builder: Builder, event: RunEvent, id: string, kind: NodeKind, label: string): GraphNode {
  const node = addNode(builder, event, id, kind, label);
  const sources = builder.leaves.length > 0 ? builder.leaves : builder.anchor === null ? [] : [builder.anchor];
  for (const source of sources) addEdge(builder, source, id);
  builder.anchor = id;
  builder.leaves = [];
  return node;
}

/** A branch node: hangs off a given parent (or the anchor) and becomes a leaf of the current turn. */
function addBranchNode(
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

function finish(builder: Builder, id: string, event: RunEvent, status: NodeStatus): GraphNode | undefined {
  const node = builder.nodes.get(id);
  if (node === undefined) return undefined;
  node.seqs.push(event.seq);
  node.status = status;
  node.endedAt = event.time;
  return node;
}

function apply(builder: Builder, event: RunEvent): void {
  switch (event.type) {
    case 'run.created': {
      addMainNode(builder, event, 'start', 'start', previewText(event.payload.goal, 80));
      builder.nodes.get('start')!.status = 'done';
      const parent = event.payload.parent;
      if (parent !== undefined) {
        if (event.payload.origin === 'fork') builder.inheritedUpTo = parent.seq;
        const id = `parent:${parent.runId}:${parent.seq}`;
        const label =
          event.payload.origin === 'replay'
            ? `replay of ${parent.runId}`
            : isRunAgain(event.payload)
              ? `run again of ${parent.runId}`
              : `${parent.runId} @ ${parent.seq}`;
        const node = addNode(builder, event, id, 'parent', label);
        node.status = 'done';
        addEdge(builder, id, 'start', 'fork');
      }
      return;
    }
    case 'message.user':
      addMainNode(builder, event, `message:${event.seq}`, 'message', previewText(event.payload.text, 80)).status =
        'done';
      return;
    case 'model.started':
      addMainNode(builder, event, `model:${event.payload.callId}`, 'model', event.payload.model);
      return;
    case 'model.finished': {
      const failed = event.payload.finishReason === 'error' || event.payload.finishReason === 'interrupted';
      const node = finish(builder, `model:${event.payload.callId}`, event, failed ? 'error' : 'done');
      if (node !== undefined) node.usage = event.payload.usage;
      for (const call of event.payload.toolCalls) builder.callOwner.set(call.id, `model:${event.payload.callId}`);
      return;
    }
    case 'approval.requested': {
      const { callId, tool, kind } = event.payload;
      // Whether a run that repeats itself goes on is a step of the run, not of one call.
      const parent = kind === 'network' ? runningNode(builder) : builder.callOwner.get(callId);
      const label = kind === 'network' ? `reach ${event.payload.host ?? tool}?` : tool;
      const node =
        kind === 'stall'
          ? addMainNode(builder, event, `approval:${callId}`, 'approval', `${tool} repeated`)
          : addBranchNode(builder, event, `approval:${callId}`, 'approval', label, parent);
      node.status = 'waiting';
      if (kind === 'network') node.asks = 'network';
      return;
    }
    case 'approval.resolved': {
      const approved = event.payload.decision === 'approved';
      finish(builder, `approval:${event.payload.callId}`, event, approved ? 'done' : 'rejected');
      return;
    }
    case 'tool.started': {
      const { callId, tool } = event.payload;
      const approval = `approval:${callId}`;
      const parent = builder.nodes.has(approval) ? approval : builder.callOwner.get(callId);
      addBranchNode(builder, event, `tool:${callId}`, 'tool', tool, parent);
      return;
    }
    case 'tool.finished':
      finish(builder, `tool:${event.payload.callId}`, event, event.payload.isError ? 'error' : 'done');
      return;
    case 'job.started': {
      const { jobId, callId } = event.payload;
      const parent = callId === undefined ? undefined : `tool:${callId}`;
      const label = previewText(event.payload.command, 60);
      addBranchNode(
        builder,
        event,
        `job:${jobId}`,
        'job',
        label,
        parent && builder.nodes.has(parent) ? parent : undefined,
      );
      return;
    }
    case 'job.metric': {
      const node = builder.nodes.get(`job:${event.payload.jobId}`);
      if (node === undefined) return;
      node.metrics ??= {};
      for (const [key, value] of Object.entries(event.payload.values)) (node.metrics[key] ??= []).push(value);
      return;
    }
    case 'job.finished': {
      const status = event.payload.status === 'succeeded' ? 'done' : 'error';
      finish(builder, `job:${event.payload.jobId}`, event, status);
      return;
    }
    // Running again from a checkpoint: the job's node is open again until its next end.
    case 'job.resumed': {
      const node = builder.nodes.get(`job:${event.payload.jobId}`);
      if (node === undefined) return;
      node.seqs.push(event.seq);
      node.status = 'running';
      node.endedAt = null;
      return;
    }
    case 'evaluation.recorded': {
      const { evalId, metric, value, target, attempt, baseline } = event.payload;
      const better = event.payload.better ?? 'higher';
      if (event.payload.role === 'baseline') {
        // What the attempts must beat belongs to the goal, not to an attempt of its own.
        const start = builder.nodes.get('start');
        start?.seqs.push(event.seq);
        if (start !== undefined) start.baseline = { label: event.payload.label ?? 'baseline', metric, value };
        return;
      }
      const node = addMainNode(builder, event, `evaluation:${evalId}`, 'evaluation', `${metric} = ${value}`);
      node.status = 'done';
      node.endedAt = event.time;
      const passed = reached(value, target, better);
      node.evaluation = { metric, value, target: target ?? null, attempt: attempt ?? null, better, passed };
      if (baseline !== undefined) node.evaluation.baseline = { label: baseline.label, value: baseline.value };
      return;
    }
    case 'evaluation.failed': {
      const { evalId, metric, attempt } = event.payload;
      const node = addMainNode(builder, event, `evaluation:${evalId}`, 'evaluation', `${metric}: no value`);
      node.status = 'error';
      node.endedAt = event.time;
      node.evaluation = { metric, value: null, target: null, attempt, better: 'higher', passed: null };
      return;
    }
    case 'context.compacted': {
      const { tokensBefore, tokensAfter } = event.payload;
      const label = `${tokensBefore} → ${tokensAfter} tokens`;
      const node = addMainNode(builder, event, `compaction:${event.seq}`, 'compaction', label);
      node.status = 'done';
      node.usage = event.payload.usage ?? null;
      return;
    }
    case 'artifact.recorded': {
      const job = event.payload.jobId === undefined ? undefined : builder.nodes.get(`job:${event.payload.jobId}`);
      job?.seqs.push(event.seq);
      return;
    }
    case 'workspace.snapshot': {
      const { callId, jobId } = event.payload;
      const owner = callId !== undefined ? `tool:${callId}` : jobId !== undefined ? `job:${jobId}` : 'start';
      builder.nodes.get(owner)?.seqs.push(event.seq);
      return;
    }
    case 'replay.diverged':
      builder.nodes.get(`tool:${event.payload.callId}`)?.seqs.push(event.seq);
      return;
    case 'network.request': {
      const owner = builder.nodes.get(runningNode(builder) ?? builder.anchor ?? '');
      if (owner === undefined) return;
      owner.network = countConnection(owner.network, event.payload);
      owner.seqs.push(event.seq);
      return;
    }
    case 'loop.parked':
    case 'loop.woke': {
      const job = builder.nodes.get(`job:${event.payload.jobId}`);
      job?.seqs.push(event.seq);
      if (job !== undefined) job.parkedLoop = event.type === 'loop.parked' ? 'parked' : 'woke';
      return;
    }
    case 'run.status':
    case 'run.limits':
    case 'run.rule':
    case 'plan.updated':
    case 'job.watch':
    case 'job.progress':
      return;
    default:
      unreachable(event);
  }
}

/** The command or job running now (the newest), whose connections these are as far as the log can tell. */
function runningNode(builder: Builder): string | undefined {
  const nodes = [...builder.nodes.values()];
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index]!;
    if (node.status === 'running' && (node.kind === 'tool' || node.kind === 'job')) return node.id;
  }
  return undefined;
}

export function buildGraph(events: readonly RunEvent[]): RunGraph {
  const builder: Builder = {
    nodes: new Map(),
    edges: [],
    anchor: null,
    leaves: [],
    callOwner: new Map(),
    inheritedUpTo: null,
  };
  for (const event of events) apply(builder, event);
  return { nodes: [...builder.nodes.values()], edges: builder.edges };
}
