// The selected graph node in words, above the timeline rows that make it up (which open below with
// its arguments, output and any blob to load): kind, status, when, how long, tokens and cost; for a
// tool call or approval, what the call does: its command highlighted, a write or edit as its diff.
import { useMemo, type ReactNode } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { formatClock, formatCompact, formatCost, formatDuration, formatMetric } from '../../../../shared/format';
import type { GraphNode } from '../../../../shared/run-graph';
import { originalInput } from '../../approval-input';
import { filesBefore, type FileBefore } from '../../file-changes';
import { kindNames, statusWord } from '../../graph/node-text';
import { ToolCallView } from '../common/tool-call-view';

interface NodeInspectorProps {
  node: GraphNode;
  caption: string;
  /** The run's events, to show what a selected call does; without them only the facts show. */
  events?: readonly RunEvent[];
  onClose: () => void;
  /** What can be done from this step (forking), shown below its facts. */
  actions?: ReactNode;
}

export function NodeInspector({ node, caption, events, onClose, actions }: NodeInspectorProps) {
  const call = useMemo(() => (events === undefined ? undefined : nodeCall(node, events)), [node, events]);
  const first = node.seqs[0];
  const last = node.seqs.at(-1);
  const facts = [
    `started ${formatClock(node.startedAt)}`,
    duration(node),
    node.usage !== null &&
      `${formatCompact(node.usage.inputTokens)} in / ${formatCompact(node.usage.outputTokens)} out tokens`,
    node.usage !== null && node.usage.cost > 0 && formatCost(node.usage.cost),
    first !== undefined && (first === last ? `event #${first}` : `events #${first}–#${last}`),
  ].filter((fact): fact is string => typeof fact === 'string' && fact !== '');

  return (
    <section className={`node-inspector kind-${node.kind}`} data-testid="node-inspector" aria-label="Selected step">
      <div className="node-inspector-head">
        <span className="node-inspector-kind">{kindNames[node.kind]}</span>
        <span className={`node-inspector-status node-${node.status}`}>{statusWord(node)}</span>
        <span className="node-inspector-label" title={caption}>
          {caption}
        </span>
        <button type="button" className="link" onClick={onClose} aria-label="Clear the selection">
          ✕
        </button>
      </div>
      <p className="node-inspector-facts muted">{facts.join(' · ')}</p>
      {node.metrics !== null && (
        <p className="node-inspector-facts">
          {Object.entries(node.metrics)
            .map(([name, values]) => `${name}: ${values.map(formatMetric).join(' → ')}`)
            .join(' · ')}
        </p>
      )}
      {call !== undefined && (
        <div className="node-inspector-call" data-testid="node-call">
          <ToolCallView tool={call.tool} args={call.args} before={call.before} loadBlobs />
        </div>
      )}
      {actions}
    </section>
  );
}

/** How long the step took; a step that happened at one moment (an evaluation, a message) has no duration. */
function duration(node: GraphNode): string | undefined {
  if (node.endedAt !== null) return `took ${formatDuration(node.endedAt - node.startedAt)}`;
  return node.status === 'running' || node.status === 'waiting' ? 'not finished' : undefined;
}

interface NodeCall {
  tool: string;
  args: unknown;
  before: FileBefore | undefined;
}

/** The call a tool or approval node stands for: the input it ran with (or was asked with). */
export function nodeCall(node: GraphNode, events: readonly RunEvent[]): NodeCall | undefined {
  if (node.kind !== 'tool' && node.kind !== 'approval') return undefined;
  const callId = node.id.slice(node.id.indexOf(':') + 1);
  const seqs = new Set(node.seqs);
  let tool: string | undefined;
  let args: unknown;
  for (const event of events) {
    if (!seqs.has(event.seq)) continue;
    if (event.type === 'tool.started') [tool, args] = [event.payload.tool, event.payload.args];
    if (event.type === 'approval.requested') [tool, args] = [event.payload.tool, originalInput(events, callId)];
  }
  if (tool === undefined || args === undefined) return undefined;
  return { tool, args, before: filesBefore(events).get(callId) };
}
