// The words on a graph node and in its inspector: what kind of step it is, how it stands, and the
// one number worth seeing at a glance (tokens for a model call, time for a tool or job).
import { formatCompact, formatDuration, formatMetric } from '../../../shared/format';
import type { GraphNode, NodeKind, NodeStatus } from '../../../shared/run-graph';

export const kindNames: Record<NodeKind, string> = {
  start: 'goal',
  parent: 'parent run',
  message: 'message',
  model: 'model',
  tool: 'tool',
  approval: 'approval',
  job: 'job',
  evaluation: 'evaluation',
  compaction: 'compaction',
};

export function statusWord(node: GraphNode): string {
  const words: Record<NodeStatus, string> = {
    running: node.kind === 'model' ? 'thinking' : 'running',
    waiting: 'waiting',
    done: node.kind === 'approval' ? 'approved' : 'done',
    error: node.kind === 'model' ? 'cut off' : 'failed',
    rejected: 'rejected',
  };
  return words[node.status];
}

/** The short fact shown on the node itself. */
export function nodeMeta(node: GraphNode): string {
  if (node.kind === 'model' && node.usage !== null && node.usage.inputTokens + node.usage.outputTokens > 0) {
    return `${formatCompact(node.usage.inputTokens + node.usage.outputTokens)} tok`;
  }
  if (node.kind === 'job' && node.metrics !== null) {
    const [name, values] = Object.entries(node.metrics)[0] ?? [];
    const last = values?.at(-1);
    if (name !== undefined && last !== undefined) return `${name} ${formatMetric(last)}`;
  }
  if ((node.kind === 'tool' || node.kind === 'job' || node.kind === 'model') && node.endedAt !== null) {
    return formatDuration(node.endedAt - node.startedAt);
  }
  return '';
}
