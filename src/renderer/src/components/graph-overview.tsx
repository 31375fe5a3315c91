// What the reducer makes of a run before the graph view exists: node counts by kind, the agent's
// plan, and approvals still waiting for a person.
import type { NodeKind } from '../../../shared/run-graph';
import type { RunState } from '../../../shared/run-state';
import { previewText } from '../../../shared/events';

const kindOrder: NodeKind[] = ['message', 'model', 'tool', 'approval', 'job', 'evaluation', 'compaction', 'parent'];

const kindLabels: Record<NodeKind, [string, string]> = {
  start: ['start', 'starts'],
  parent: ['parent', 'parents'],
  message: ['message', 'messages'],
  model: ['model call', 'model calls'],
  tool: ['tool call', 'tool calls'],
  approval: ['approval', 'approvals'],
  job: ['job', 'jobs'],
  evaluation: ['evaluation', 'evaluations'],
  compaction: ['compaction', 'compactions'],
};

const planMarks = { pending: '○', in_progress: '◐', done: '●' } as const;

export function GraphOverview({ state }: { state: RunState }) {
  const counts = new Map<NodeKind, number>();
  for (const node of state.graph.nodes) counts.set(node.kind, (counts.get(node.kind) ?? 0) + 1);
  const present = kindOrder.filter((kind) => (counts.get(kind) ?? 0) > 0);

  return (
    <section className="graph-overview" aria-label="Graph overview">
      <ul className="kind-counts" data-testid="node-counts">
        {present.length === 0 && <li className="muted">No steps yet.</li>}
        {present.map((kind) => {
          const count = counts.get(kind) ?? 0;
          return (
            <li key={kind} className={`kind-count kind-${kind}`} data-kind={kind}>
              <span className="kind-count-value">{count}</span> {kindLabels[kind][count === 1 ? 0 : 1]}
            </li>
          );
        })}
      </ul>
      {state.pendingApprovals.length > 0 && (
        <ul className="pending-approvals">
          {state.pendingApprovals.map((approval) => (
            <li key={approval.callId}>
              <strong>Waiting for approval:</strong> <span className="mono">{approval.tool}</span>{' '}
              {previewText(approval.summary, 200)}
            </li>
          ))}
        </ul>
      )}
      {state.plan.length > 0 && (
        <ol className="plan" aria-label="Plan">
          {state.plan.map((item, index) => (
            <li key={index} className={`plan-item plan-${item.status}`}>
              <span className="plan-mark" aria-label={item.status.replace('_', ' ')}>
                {planMarks[item.status]}
              </span>
              {item.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
