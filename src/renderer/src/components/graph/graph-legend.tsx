// The graph's key: what the loop holds (steps, calls, jobs, attempts) and, unmistakably, an approval
// waiting for the person, a click away.
import { memo } from 'react';
import type { LoopGraph } from '../../../../shared/loop-graph';

interface GraphLegendProps {
  loop: LoopGraph;
  /** The first approval waiting, if any: the chip selects it. */
  waiting: string | undefined;
  onSelect: (nodeId: string) => void;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export const GraphLegend = memo(function GraphLegend({ loop, waiting, onSelect }: GraphLegendProps) {
  const steps = loop.main.filter((item) => item.kind === 'step');
  if (steps.length === 0 && waiting === undefined) return <span className="graph-legend muted">No steps yet.</span>;
  const calls = steps.reduce((sum, step) => sum + step.calls.length, 0);
  const jobs = loop.branches.filter((item) => item.kind === 'job').length;
  const items: [string, string][] = [
    ['model', plural(steps.length, 'step')],
    ['tool', plural(calls, 'call')],
  ];
  if (jobs > 0) items.push(['job', plural(jobs, 'job')]);
  if (loop.groups.length > 0) items.push(['evaluation', plural(loop.groups.length, 'attempt')]);
  return (
    <ul className="graph-legend" data-testid="node-counts" aria-label="What the loop holds">
      {items.map(([kind, text]) => (
        <li key={kind} className={`legend-item kind-${kind}`}>
          <span className="legend-swatch" aria-hidden="true" />
          {text}
        </li>
      ))}
      {waiting !== undefined && (
        <li className="legend-item legend-waiting">
          <button type="button" onClick={() => onSelect(waiting)}>
            {loop.waiting.length === 1 ? 'An approval is waiting' : `${loop.waiting.length} approvals waiting`}
          </button>
        </li>
      )}
    </ul>
  );
});
