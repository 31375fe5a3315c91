// The graph's key: how many nodes of each kind it holds, in the colours the nodes wear.
import { memo } from 'react';
import type { NodeKind, RunGraph } from '../../../../shared/run-graph';
import { kindNames } from '../../graph/node-text';

const kindOrder: NodeKind[] = ['message', 'model', 'tool', 'approval', 'job', 'evaluation', 'compaction', 'parent'];

export const GraphLegend = memo(function GraphLegend({ graph }: { graph: RunGraph }) {
  const counts = new Map<NodeKind, number>();
  for (const node of graph.nodes) counts.set(node.kind, (counts.get(node.kind) ?? 0) + 1);
  const present = kindOrder.filter((kind) => (counts.get(kind) ?? 0) > 0);
  if (present.length === 0) return <span className="graph-legend muted">No steps yet.</span>;
  return (
    <ul className="graph-legend" data-testid="node-counts" aria-label="Nodes by kind">
      {present.map((kind) => (
        <li key={kind} className={`legend-item kind-${kind}`} data-kind={kind}>
          <span className="legend-swatch" aria-hidden="true" />
          <span className="legend-count">{counts.get(kind)}</span> {kindNames[kind]}
        </li>
      ))}
    </ul>
  );
});
