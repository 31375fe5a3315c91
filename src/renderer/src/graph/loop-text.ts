// The words on the loop graph's nodes: a step's facts, a job's main metric, and the few characters a
// node keeps when the graph is zoomed out too far for its full text.
import { formatCompact, formatDuration, formatMetric, oneLine } from '../../../shared/format';
import { scoreText, type LoopNode } from '../../../shared/loop-graph';
import type { GraphNode } from '../../../shared/run-graph';

/** A step's tokens and time: `1.3k tok · 2.1 s`. */
export function stepMeta(item: LoopNode): string {
  const node = item.node;
  if (node === null) return '';
  const parts: string[] = [];
  if (node.usage !== null && node.usage.inputTokens + node.usage.outputTokens > 0) {
    parts.push(`${formatCompact(node.usage.inputTokens + node.usage.outputTokens)} tok`);
  }
  const lastCall = item.calls.at(-1)?.tool;
  const end = lastCall?.endedAt ?? node.endedAt;
  if (end !== null && end !== undefined) parts.push(formatDuration(end - node.startedAt));
  return parts.join(' · ');
}

/** How a step stands: the model thinking, its calls running or waiting, done, or cut off. */
export function stepStatusWord(item: LoopNode): string {
  if (item.node?.status === 'running') return 'thinking';
  const words = { running: 'running', waiting: 'waiting', done: 'done', error: 'cut off', rejected: 'rejected' };
  return words[item.status];
}

/** A job's main metric (its first): the name, its values in order and the last one in words. */
export function mainMetric(node: GraphNode | null): { name: string; values: number[]; last: string } | undefined {
  const entry = node?.metrics === null || node === null ? undefined : Object.entries(node.metrics)[0];
  if (entry === undefined) return undefined;
  const [name, values] = entry;
  const last = values.at(-1);
  return last === undefined ? undefined : { name, values, last: formatMetric(last) };
}

/** The run a lineage node points at: the parent's id (from `parent:<run>:<seq>`) or the child's. */
export function lineageRunId(item: LoopNode): string | undefined {
  if (item.child !== undefined) return item.child.runId;
  if (item.kind === 'parent') return item.id.split(':')[1];
  return undefined;
}

/** What a node keeps when zoomed out: a few large characters. */
export function compactText(item: LoopNode): string {
  switch (item.kind) {
    case 'goal':
      return 'Goal';
    case 'step': {
      const names = [...new Set(item.calls.map((call) => call.name))];
      return `${item.index} ${names.length === 0 ? 'reply' : oneLine(names.join(', '), 18)}`;
    }
    case 'gate': {
      const evaluation = item.node?.evaluation;
      if (evaluation === undefined || evaluation.value === null) return 'no score';
      return scoreText(evaluation).slice(evaluation.metric.length + 1);
    }
    case 'job': {
      const metric = mainMetric(item.node);
      return metric === undefined ? 'job' : `job ${metric.last}`;
    }
    case 'message':
      return 'message';
    case 'compaction':
      return 'compacted';
    case 'parent':
      return '↑ parent';
    case 'child':
      return `↳ ${item.child?.relation ?? 'run'}`;
  }
}
