// Turns a run's events into the graph the UI draws: one node per model call, tool call, approval,
// job, evaluation, user message and compaction; edges for what followed what, and for a fork's parent.
import { previewText, type RunEvent, type Usage } from './events';
import { handleEvent, type EventHandlers, type EventOf } from './event-handlers';
import { reached, type EvaluationFacts } from './evaluation-facts';
import { countConnection, type NetworkFacts } from './network-facts';

export type { EvaluationFacts } from './evaluation-facts';
import { isRunAgain } from './run-summary';
import {
  addBranchNode,
  addEdge,
  addMainNode,
  addNode,
  builtGraph,
  finish,
  newBuilder,
  runningNode,
  type Builder,
} from './run-graph-builder';

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

const none = () => undefined;

/** Where each type of event goes in the graph: a node of its own, a node it finishes or extends, or nowhere. */
const APPLY: EventHandlers<void, Builder> = {
  'run.created': addStart,
  'message.user': (event, builder) => {
    addMainNode(builder, event, `message:${event.seq}`, 'message', previewText(event.payload.text, 80)).status = 'done';
  },
  'model.started': (event, builder) => {
    addMainNode(builder, event, `model:${event.payload.callId}`, 'model', event.payload.model);
  },
  'model.finished': (event, builder) => {
    const failed = event.payload.finishReason === 'error' || event.payload.finishReason === 'interrupted';
    const node = finish(builder, `model:${event.payload.callId}`, event, failed ? 'error' : 'done');
    if (node !== undefined) node.usage = event.payload.usage;
    for (const call of event.payload.toolCalls) builder.callOwner.set(call.id, `model:${event.payload.callId}`);
  },
  'approval.requested': addApproval,
  'approval.resolved': (event, builder) => {
    const approved = event.payload.decision === 'approved';
    finish(builder, `approval:${event.payload.callId}`, event, approved ? 'done' : 'rejected');
  },
  'tool.started': (event, builder) => {
    const { callId, tool } = event.payload;
    const approval = `approval:${callId}`;
    const parent = builder.nodes.has(approval) ? approval : builder.callOwner.get(callId);
    addBranchNode(builder, event, `tool:${callId}`, 'tool', tool, parent);
  },
  'tool.finished': (event, builder) => {
    finish(builder, `tool:${event.payload.callId}`, event, event.payload.isError ? 'error' : 'done');
  },
  'job.started': (event, builder) => {
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
  },
  'job.metric': (event, builder) => {
    const node = builder.nodes.get(`job:${event.payload.jobId}`);
    if (node === undefined) return;
    node.metrics ??= {};
    for (const [key, value] of Object.entries(event.payload.values)) (node.metrics[key] ??= []).push(value);
  },
  'job.finished': (event, builder) => {
    const status = event.payload.status === 'succeeded' ? 'done' : 'error';
    finish(builder, `job:${event.payload.jobId}`, event, status);
  },
  'evaluation.recorded': addEvaluation,
  'evaluation.failed': (event, builder) => {
    const { evalId, metric, attempt } = event.payload;
    const node = addMainNode(builder, event, `evaluation:${evalId}`, 'evaluation', `${metric}: no value`);
    node.status = 'error';
    node.endedAt = event.time;
    node.evaluation = { metric, value: null, target: null, attempt, better: 'higher', passed: null };
  },
  'context.compacted': (event, builder) => {
    const { tokensBefore, tokensAfter } = event.payload;
    const label = `${tokensBefore} → ${tokensAfter} tokens`;
    const node = addMainNode(builder, event, `compaction:${event.seq}`, 'compaction', label);
    node.status = 'done';
    node.usage = event.payload.usage ?? null;
  },
  'artifact.recorded': (event, builder) => {
    const job = event.payload.jobId === undefined ? undefined : builder.nodes.get(`job:${event.payload.jobId}`);
    job?.seqs.push(event.seq);
  },
  'workspace.snapshot': (event, builder) => {
    const { callId, jobId } = event.payload;
    const owner = callId !== undefined ? `tool:${callId}` : jobId !== undefined ? `job:${jobId}` : 'start';
    builder.nodes.get(owner)?.seqs.push(event.seq);
  },
  'replay.diverged': (event, builder) => {
    builder.nodes.get(`tool:${event.payload.callId}`)?.seqs.push(event.seq);
  },
  'network.request': (event, builder) => {
    const owner = builder.nodes.get(runningNode(builder) ?? builder.anchor ?? '');
    if (owner === undefined) return;
    owner.network = countConnection(owner.network, event.payload);
    owner.seqs.push(event.seq);
  },
  'loop.parked': markParkedJob,
  'loop.woke': markParkedJob,
  // Running again from a checkpoint: the job's node is open again until its next end.
  'job.resumed': (event, builder) => {
    const node = builder.nodes.get(`job:${event.payload.jobId}`);
    if (node === undefined) return;
    node.seqs.push(event.seq);
    node.status = 'running';
    node.endedAt = null;
  },
  'job.watch': none,
  'job.progress': none,
  'run.status': none,
  'run.limits': none,
  'run.rule': none,
  'plan.updated': none,
};

/** The goal, and in a fork, replay or run again the parent run it came from. */
function addStart(event: EventOf<'run.created'>, builder: Builder): void {
  addMainNode(builder, event, 'start', 'start', previewText(event.payload.goal, 80));
  builder.nodes.get('start')!.status = 'done';
  const parent = event.payload.parent;
  if (parent === undefined) return;
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

function addApproval(event: EventOf<'approval.requested'>, builder: Builder): void {
  const { callId, tool, kind } = event.payload;
  // Whether a run that repeats itself goes on is a step of the run, not of one call.
  // The sandbox's connection and an MCP server's question belong to the step running, not to a call.
  const outside = kind === 'network' || kind === 'elicitation';
  const parent = outside ? runningNode(builder) : builder.callOwner.get(callId);
  const label =
    kind === 'network' ? `reach ${event.payload.host ?? tool}?` : kind === 'elicitation' ? `${tool} asks` : tool;
  const node =
    kind === 'stall'
      ? addMainNode(builder, event, `approval:${callId}`, 'approval', `${tool} repeated`)
      : addBranchNode(builder, event, `approval:${callId}`, 'approval', label, parent);
  node.status = 'waiting';
  if (kind === 'network') node.asks = 'network';
}

function addEvaluation(event: EventOf<'evaluation.recorded'>, builder: Builder): void {
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
}

function markParkedJob(event: EventOf<'loop.parked' | 'loop.woke'>, builder: Builder): void {
  const job = builder.nodes.get(`job:${event.payload.jobId}`);
  job?.seqs.push(event.seq);
  if (job !== undefined) job.parkedLoop = event.type === 'loop.parked' ? 'parked' : 'woke';
}

export function buildGraph(events: readonly RunEvent[]): RunGraph {
  const builder = newBuilder();
  for (const event of events) handleEvent(APPLY, event, builder);
  return builtGraph(builder);
}
