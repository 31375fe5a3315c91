// What data_inspect says, as compact text: the schema, counts, a sample, statistics per column, label
// balance, duplicates, malformed rows and the format check, each a line or a few.
import { formatBytes as sizeText, formatCompact, oneLine } from '../../shared/format';
import type { ColumnStats } from './column-stats';
import type { FolderReport } from './inspect-folder';
import type { TableReport } from './inspect-table';
import { DUPLICATE_ROWS_CAP } from './inspect-table';

const CELL_CHARS = 60;
const LABELS_SHOWN = 12;

const count = (value: number) => value.toLocaleString('en-US');
const files = (value: number) => `${count(value)} file${value === 1 ? '' : 's'}`;

function number(value: number): string {
  if (Number.isInteger(value)) return count(value);
  return String(Number(value.toPrecision(4)));
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

function columnLine(stats: ColumnStats, rows: number): string {
  const parts = [`missing ${count(stats.missing)}${stats.missing > 0 ? ` (${percent(stats.missing, rows)})` : ''}`];
  parts.push(`${stats.distinctOverflow ? `${count(stats.counts.size)}+` : count(stats.counts.size)} distinct`);
  if (stats.isNumeric()) {
    const { min, max, sum, count: n } = stats.numeric;
    parts.push(`min ${number(min)}, max ${number(max)}, mean ${number(sum / n)}`);
  } else if (stats.length.count > 0) {
    const { min, max, sum, count: n } = stats.length;
    parts.push(`length ${count(min)}–${count(max)} chars, mean ${formatCompact(sum / n)}`);
  }
  return `  ${stats.name}: ${stats.type()} · ${parts.join(' · ')}`;
}

function labelLine(stats: ColumnStats): string {
  if (stats.distinctOverflow)
    return `label balance (${stats.name}): more than ${count(stats.counts.size)} distinct values, so not class labels; name the label column with labelColumn`;
  const total = [...stats.counts.values()].reduce((sum, value) => sum + value, 0);
  const sorted = [...stats.counts.entries()].sort((a, b) => b[1] - a[1]);
  const shown = sorted
    .slice(0, LABELS_SHOWN)
    .map(([label, value]) => `${oneLine(label, 40)} ${count(value)} (${percent(value, total)})`);
  const more =
    sorted.length > LABELS_SHOWN
      ? `, and ${count(sorted.length - LABELS_SHOWN)}${stats.distinctOverflow ? '+' : ''} more`
      : '';
  const ratio = sorted.length > 1 ? ` · largest/smallest ${number(sorted[0]![1] / sorted.at(-1)![1])}` : '';
  return `label balance (${stats.name}): ${shown.join(', ')}${more}${ratio}`;
}

function sampleLines(report: TableReport): string[] {
  if (report.sample.length === 0) return [];
  return [
    `sample (first ${report.sample.length} rows):`,
    ...report.sample.map(
      (row, index) =>
        `  ${index + 1}  ${Object.entries(row)
          .map(([key, value]) => `${key}=${JSON.stringify(oneLine(value, CELL_CHARS))}`)
          .join(' ')}`,
    ),
  ];
}

function duplicateLine(report: TableReport): string {
  const { count: found, first, capped } = report.duplicates;
  const scope = capped ? ` (compared with the first ${count(DUPLICATE_ROWS_CAP)} distinct rows)` : '';
  if (found === 0) return `duplicates: none${scope}`;
  return `duplicates: ${count(found)} exact duplicate row${found === 1 ? '' : 's'} (${percent(found, report.rows)})${first === undefined ? '' : `; first: row ${count(first.row)} repeats row ${count(first.of)}`}${scope}`;
}

export function tableText(path: string, bytes: number, report: TableReport, labelColumn: string | undefined): string {
  const kind = report.kind.toUpperCase().replace('JSONL', 'JSON Lines');
  const lines = [
    `${path}: ${kind}, ${sizeText(bytes)}, ${count(report.rows)} row${report.rows === 1 ? '' : 's'}, ${report.columns.length} column${report.columns.length === 1 ? '' : 's'}`,
  ];
  if (report.stopped !== undefined)
    lines.push(`READING STOPPED at ${report.stopped}; the figures below cover the rows before it.`);
  lines.push('columns (name: type · statistics):', ...report.columns.map((stats) => columnLine(stats, report.rows)));
  const label = report.columns.find((stats) => stats.name === (labelColumn ?? 'label'));
  if (label !== undefined && label.counts.size > 0) lines.push(labelLine(label));
  lines.push(duplicateLine(report));
  if (report.problemCount > 0) {
    lines.push(
      `malformed: ${count(report.problemCount)} problem${report.problemCount === 1 ? '' : 's'} (rows left out of the figures)`,
    );
    lines.push(...report.problems.map((problem) => `  ${problem}`));
    if (report.problemCount > report.problems.length)
      lines.push(`  … and ${count(report.problemCount - report.problems.length)} more`);
  }
  lines.push(...sampleLines(report));
  if (report.format !== undefined) {
    const verdict = report.format;
    if (verdict.ok) lines.push(`format check (${verdict.what}): OK, every row has the expected fields.`);
    else {
      lines.push(
        `format check (${verdict.what}): FAILED, ${count(verdict.problemCount)} problem${verdict.problemCount === 1 ? '' : 's'}:`,
      );
      lines.push(...verdict.problems.map((problem) => `  ${problem}`));
      if (verdict.problemCount > verdict.problems.length)
        lines.push(`  … and ${count(verdict.problemCount - verdict.problems.length)} more rows like these`);
    }
  }
  return lines.join('\n');
}

export function folderText(path: string, report: FolderReport): string {
  const extensions = [...report.byExtension.entries()]
    .sort((a, b) => b[1].files - a[1].files || a[0].localeCompare(b[0]))
    .map(([extension, stats]) => `  ${extension}: ${files(stats.files)}, ${sizeText(stats.bytes)}`);
  const subfolders = [...report.bySubfolder.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = [
    `${path}/: a folder of ${files(report.files)}, ${sizeText(report.bytes)}${report.capped ? ' (stopped counting at 200,000 entries)' : ''}`,
    'by extension:',
    ...extensions,
  ];
  if (subfolders.length > 1 || (subfolders.length === 1 && subfolders[0]![0] !== '.')) {
    lines.push(
      `by first-level subfolder (often one per class): ${subfolders
        .slice(0, 20)
        .map(([name, files]) => `${name} ${count(files)}`)
        .join(', ')}${subfolders.length > 20 ? `, and ${subfolders.length - 20} more` : ''}`,
    );
  }
  if (report.links > 0) lines.push(`symbolic links: ${count(report.links)} (not followed)`);
  if (report.sampleNames.length > 0) lines.push(`some names: ${report.sampleNames.join(', ')}`);
  return lines.join('\n');
}
