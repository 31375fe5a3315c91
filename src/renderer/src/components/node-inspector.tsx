// The selected graph node in words, above the timeline rows that make it up (which open below with
// its arguments, output and any blob to load): kind, status, when, how long, tokens and cost.
import type { ReactNode } from 'react';
import { formatClock, formatCompact, formatCost, formatDuration, formatMetric } from '../../../shared/format';
import type { GraphNode } from '../../../shared/run-graph';
import { kindNames, statusWord } from '../graph/node-text';

interface NodeInspectorProps {
  node: GraphNode;
  caption: string;
  onClose: () => void;
  /** What can be done from this step (forking), shown below its facts. */
  actions?: ReactNode;
}

export function NodeInspector({ node, caption, onClose, actions }: NodeInspectorProps) {
  const first = node.seqs[0];
  const last = node.seqs.at(-1);
  const facts = [
    `started ${formatClock(node.startedAt)}`,
    node.endedAt === null ? 'not finished' : `took ${formatDuration(node.endedAt - node.startedAt)}`,
    node.usage !== null &&
      `${formatCompact(node.usage.inputTokens)} in / ${formatCompact(node.usage.outputTokens)} out tokens`,
    node.usage !== null && node.usage.cost > 0 && formatCost(node.usage.cost),
    first !== undefined && (first === last ? `event #${first}` : `events #${first}–#${last}`),
  ].filter((fact): fact is string => typeof fact === 'string');

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
      {actions}
    </section>
  );
}
