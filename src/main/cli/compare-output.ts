// `looplab compare` in words: the two runs' figures side by side, then their steps aligned, marking
// where they differ (= same, ≠ different, < only in the first, > only in the second). Each metric says
// which run did better.
import { deltaText, type MetricDelta } from '../../shared/compare-metrics';
import type { RunComparison, RunSide, RunStep, StepMatch } from '../../shared/compare-runs';
import { formatCompact, formatCost, formatDuration, formatMetric, oneLine } from '../../shared/format';

const marks: Record<StepMatch, string> = { same: '=', different: '≠', 'only-a': '<', 'only-b': '>' };

function figureRows(a: RunSide, b: RunSide, deltas: readonly MetricDelta[]): string[][] {
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
  const value = (side: number | null) => (side === null ? '—' : formatMetric(side));
  for (const metric of deltas)
    rows.push([`${metric.source} ${metric.name}`, value(metric.a), value(metric.b), deltaText(metric)]);
  return rows;
}

/** What a step did, for the line under the first difference: its reply or output, else its call. */
function stepText(step: RunStep | null): string {
  if (step === null) return '(no such step)';
  return oneLine(step.detail.trim() === '' ? step.label : step.detail, 120);
}

export function formatComparison(comparison: RunComparison): string {
  const rows = figureRows(comparison.a, comparison.b, comparison.deltas);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
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
      lines.push(`       a: ${stepText(step.a)}`, `       b: ${stepText(step.b)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
