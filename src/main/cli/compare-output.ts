// `looplab compare` in words: the two runs' figures side by side, then their steps aligned, marking
// where they differ (= same, ≠ different, < only in the first, > only in the second).
import type { RunComparison, RunSide, StepMatch } from '../../shared/compare-runs';
import { formatCompact, formatCost, formatDuration, formatMetric, oneLine } from '../../shared/format';

const marks: Record<StepMatch, string> = { same: '=', different: '≠', 'only-a': '<', 'only-b': '>' };

function figureRows(a: RunSide, b: RunSide): string[][] {
  const rows: string[][] = [
    ['', a.runId, b.runId],
    ['status', a.status, b.status],
    ['model', a.model, b.model],
    ['origin', a.origin, b.origin],
    ['steps', String(a.steps), String(b.steps)],
    ['tool calls', String(a.toolCalls), String(b.toolCalls)],
    ['tokens in', formatCompact(a.inputTokens), formatCompact(b.inputTokens)],
    ['tokens out', formatCompact(a.outputTokens), formatCompact(b.outputTokens)],
    ['cost', formatCost(a.cost), formatCost(b.cost)],
    ['elapsed', formatDuration(a.elapsedMs), formatDuration(b.elapsedMs)],
  ];
  const value = (values: Record<string, number>, name: string) =>
    values[name] === undefined ? '—' : formatMetric(values[name]);
  for (const name of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort())
    rows.push([`metric ${name}`, value(a.metrics, name), value(b.metrics, name)]);
  for (const name of [...new Set([...Object.keys(a.evaluations), ...Object.keys(b.evaluations)])].sort())
    rows.push([`evaluation ${name}`, value(a.evaluations, name), value(b.evaluations, name)]);
  return rows;
}

export function formatComparison(comparison: RunComparison): string {
  const rows = figureRows(comparison.a, comparison.b);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  lines.push('');
  const { firstDivergence, steps } = comparison;
  lines.push(
    firstDivergence === null
      ? `The runs take the same ${steps.length} steps.`
      : `The runs diverge at step ${firstDivergence + 1} of ${steps.length}.`,
  );
  for (const step of steps) {
    const left = step.a === null ? '—' : oneLine(step.a.label, 60);
    const right = step.b === null ? '—' : oneLine(step.b.label, 60);
    const label = step.match === 'same' ? left : `${left}  |  ${right}`;
    const first = step.index === firstDivergence ? '  ← first difference' : '';
    lines.push(`${String(step.index + 1).padStart(4)} ${marks[step.match]} ${label}${first}`);
    if (step.index === firstDivergence && step.match === 'different') {
      lines.push(`       a: ${oneLine(step.a!.detail, 120)}`, `       b: ${oneLine(step.b!.detail, 120)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
