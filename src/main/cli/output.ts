// Human-readable output of the CLI: a table of runs, and a run with one line per event, in the same
// words as the UI (src/shared/describe-event.ts, src/shared/format.ts).
import { describeEvent } from '../../shared/describe-event';
import type { RunEvent } from '../../shared/events';
import {
  formatBytes,
  formatClock,
  formatCompact,
  formatCost,
  formatDateTime,
  formatDuration,
  runDuration,
  totalTokens,
} from '../../shared/format';
import { parentRelation, type RunSummary } from '../../shared/run-summary';
import { metricText, runTitle } from '../../shared/run-title';

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatRunList(runs: readonly (RunSummary & { sizeBytes?: number })[], home: string): string {
  if (runs.length === 0) return `No runs yet in ${home}.\n`;
  const sized = runs.some((run) => run.sizeBytes !== undefined);
  const header = [
    'ID',
    'STATUS',
    'METRIC',
    'MODEL',
    'STEPS',
    'TOKENS',
    'COST',
    'TIME',
    'CREATED',
    ...(sized ? ['SIZE'] : []),
    'TITLE',
  ];
  const rows = runs.map((run) => [
    run.id,
    run.status,
    run.metric === null ? '-' : metricText(run.metric),
    run.model,
    String(run.steps),
    formatCompact(totalTokens(run)),
    formatCost(run.cost),
    formatDuration(runDuration(run)),
    formatDateTime(run.createdAt).slice(0, 16),
    ...(sized ? [formatBytes(run.sizeBytes ?? 0)] : []),
    run.parentRunId === null ? runTitle(run, 60) : `${runTitle(run, 60)}  (${parentRelation(run)})`,
  ]);
  return `${table([header, ...rows])}\n`;
}

export function formatRunShow(run: RunSummary, events: readonly RunEvent[]): string {
  const tokens = `${formatCompact(run.inputTokens)} in / ${formatCompact(run.outputTokens)} out`;
  const lines = [
    `${run.id}  ${run.status}${run.reason === null ? '' : ` (${run.reason})`}`,
    `title:  ${runTitle(run)}`,
    `goal:   ${run.goal}`,
    ...(run.metric === null ? [] : [`metric: ${metricText(run.metric)}`]),
    `model:  ${run.model}`,
    `steps:  ${run.steps}  tool calls: ${run.toolCalls}  tokens: ${tokens}  cost: ${formatCost(run.cost)}  time: ${formatDuration(runDuration(run))}`,
  ];
  if (run.parentRunId !== null)
    lines.push(
      run.origin === 'replay' ? `replay of: ${run.parentRunId}` : `fork of: ${run.parentRunId} at seq ${run.parentSeq}`,
    );
  lines.push('');
  for (const event of events) {
    lines.push(
      `${String(event.seq).padStart(5)}  ${formatClock(event.time)}  ${event.type.padEnd(19)}  ${describeEvent(event).text}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
