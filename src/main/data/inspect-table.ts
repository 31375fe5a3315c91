// Reads a CSV, TSV or JSONL file once, as a stream, and gathers what data_inspect reports: the columns
// and their statistics, the row count, a sample, exact duplicate rows, malformed rows with their line
// numbers and the format check. Memory stays bounded whatever the file's size.
import { createReadStream } from 'node:fs';
import { ColumnStats } from './column-stats';
import { CsvError, CsvParser, type CsvRecord } from './csv-parser';
import { FormatCheck, type FormatOptions, type FormatVerdict } from './format-check';

export type TableKind = 'csv' | 'tsv' | 'jsonl';

export interface TableReport {
  kind: TableKind;
  rows: number;
  columns: ColumnStats[];
  /** The first rows, cells as text (cut by the report). */
  sample: Record<string, string>[];
  duplicates: { count: number; first?: { row: number; of: number }; checkedRows: number; capped: boolean };
  problems: string[];
  problemCount: number;
  /** Set when reading stopped early (an unclosed quote, a line too long). */
  stopped?: string;
  format?: FormatVerdict;
}

const SAMPLE_ROWS = 5;
const PROBLEMS_KEPT = 8;
const COLUMNS_CAP = 200;
const LINE_MAX_CHARS = 64 * 1024 * 1024;
/** Rows remembered for duplicate detection: about 40 MB of hashes. */
export const DUPLICATE_ROWS_CAP = 500_000;

/**
 * A 53-bit hash (cyrb53) of a row's parts, each followed by a separator: collisions among half a million
 * rows are about one in ten million.
 */
function hash53(parts: readonly string[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const text of parts) {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0x1f, 2654435761);
    h2 = Math.imul(h2 ^ 0x1f, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

class TableBuilder {
  readonly report: TableReport;
  private readonly byName = new Map<string, ColumnStats>();
  private readonly seen = new Map<number, number>();
  private readonly check: FormatCheck | undefined;
  private extraColumns = 0;
  private readonly columnNames: string[] = [];

  constructor(kind: TableKind, format: FormatOptions | undefined) {
    this.report = {
      kind,
      rows: 0,
      columns: [],
      sample: [],
      duplicates: { count: 0, checkedRows: 0, capped: false },
      problems: [],
      problemCount: 0,
    };
    this.check = format === undefined ? undefined : new FormatCheck(format);
  }

  problem(text: string): void {
    this.report.problemCount++;
    if (this.report.problems.length < PROBLEMS_KEPT) this.report.problems.push(text);
  }

  column(name: string, textual: boolean): ColumnStats | undefined {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    if (this.byName.size >= COLUMNS_CAP) {
      this.extraColumns++;
      return undefined;
    }
    const stats = new ColumnStats(name, textual);
    // Rows before this column first appeared did not have it.
    stats.missing = this.report.rows;
    this.byName.set(name, stats);
    this.columnNames.push(name);
    this.report.columns.push(stats);
    return stats;
  }

  row(values: Record<string, unknown>, identity: readonly string[], line: number): void {
    const report = this.report;
    report.rows++;
    const rowNumber = report.rows;
    for (const stats of report.columns) stats.add(values[stats.name]);
    if (report.sample.length < SAMPLE_ROWS) {
      report.sample.push(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, cellText(value)])));
    }
    const key = hash53(identity);
    const earlier = this.seen.get(key);
    if (earlier !== undefined) {
      report.duplicates.count++;
      report.duplicates.first ??= { row: rowNumber, of: earlier };
    } else if (this.seen.size < DUPLICATE_ROWS_CAP) {
      this.seen.set(key, rowNumber);
      report.duplicates.checkedRows = this.seen.size;
    } else report.duplicates.capped = true;
    this.check?.check(values, this.columnNames, rowNumber, line);
  }

  finish(): TableReport {
    if (this.extraColumns > 0) this.problem(`more than ${COLUMNS_CAP} columns: the others are not shown`);
    if (this.check !== undefined) this.report.format = this.check.verdict();
    return this.report;
  }
}

/** Reads the table from an open file (fs/open-inside.ts), from its start, and closes it. */
export async function inspectTable(
  fd: number,
  kind: TableKind,
  format: FormatOptions | undefined,
  signal: AbortSignal,
): Promise<TableReport> {
  const builder = new TableBuilder(kind, format);
  const stream = createReadStream('', {
    fd,
    start: 0,
    encoding: 'utf8',
    highWaterMark: 1024 * 1024,
    signal,
  });
  const consume = kind === 'jsonl' ? jsonlReader(builder) : csvReader(builder, kind === 'tsv' ? '\t' : ',');
  try {
    for await (const chunk of stream) consume.push(chunk as string);
    consume.end();
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    builder.report.stopped = error.message;
    stream.destroy();
  }
  return builder.finish();
}

interface Reader {
  push(chunk: string): void;
  end(): void;
}

function csvReader(builder: TableBuilder, delimiter: string): Reader {
  let header: string[] | undefined;
  const onRecord = ({ fields, line }: CsvRecord) => {
    if (header === undefined) {
      header = fields.map((name, index) => {
        const clean = name.trim() === '' ? `column_${index + 1}` : name.trim();
        return fields.indexOf(name) === index ? clean : `${clean}_${index + 1}`;
      });
      const duplicated = fields.filter((name, index) => fields.indexOf(name) !== index);
      if (duplicated.length > 0) builder.problem(`line ${line}: the header repeats ${duplicated.join(', ')}`);
      for (const name of header) builder.column(name, true);
      return;
    }
    if (fields.length !== header.length) {
      builder.problem(
        `line ${line}: ${fields.length} field${fields.length === 1 ? '' : 's'} where the header has ${header.length} (a missing or extra ${delimiter === '\t' ? 'tab' : 'comma'}, or an unquoted one inside a value)`,
      );
      return;
    }
    const row: Record<string, string> = {};
    for (let index = 0; index < header.length; index++) row[header[index]!] = fields[index]!;
    builder.row(row, fields, line);
  };
  const parser = new CsvParser(onRecord, delimiter);
  return { push: (chunk) => parser.push(chunk), end: () => parser.end() };
}

function jsonlReader(builder: TableBuilder): Reader {
  let carry = '';
  let line = 0;
  const onLine = (text: string) => {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      builder.problem(`line ${line}: not valid JSON (${(error as Error).message})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      builder.problem(`line ${line}: a JSON ${Array.isArray(value) ? 'list' : typeof value}, not an object`);
      return;
    }
    const row = value as Record<string, unknown>;
    for (const name of Object.keys(row)) builder.column(name, false);
    builder.row(row, [trimmed], line);
  };
  return {
    push(chunk) {
      let start = 0;
      for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
        onLine(carry + chunk.slice(start, end));
        carry = '';
        start = end + 1;
      }
      carry += chunk.slice(start);
      if (carry.length > LINE_MAX_CHARS) {
        throw new CsvError(
          `line ${line + 1}: longer than ${LINE_MAX_CHARS / (1024 * 1024)} MB; is this JSON Lines?`,
          line + 1,
        );
      }
    },
    end() {
      if (carry !== '') onLine(carry);
    },
  };
}
