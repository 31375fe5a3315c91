// Statistics of one column, gathered value by value in bounded memory: missing values, the kinds of
// values seen, distinct values with their counts up to a cap, numeric range and mean, text lengths.
export const DISTINCT_CAP = 1000;
const DISTINCT_KEY_CHARS = 200;

export type ValueKind = 'integer' | 'float' | 'boolean' | 'string' | 'list' | 'object';

export class ColumnStats {
  missing = 0;
  present = 0;
  readonly kinds = new Map<ValueKind, number>();
  /** Value → count, for the first DISTINCT_CAP distinct values; `distinctOverflow` once more appear (then counting stops). */
  readonly counts = new Map<string, number>();
  distinctOverflow = false;
  numeric = { count: 0, min: Infinity, max: -Infinity, sum: 0 };
  length = { count: 0, min: Infinity, max: 0, sum: 0 };

  /** `textual`: values are CSV text whose kinds are inferred ("12" is an integer). */
  constructor(
    readonly name: string,
    private readonly textual: boolean,
  ) {}

  /** A value as read: CSV text, or a parsed JSON value. */
  add(value: unknown): void {
    if (value === undefined || value === null || value === '') {
      this.missing++;
      return;
    }
    this.present++;
    const kind = this.textual ? kindOf(value) : jsonKindOf(value);
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (kind === 'integer' || kind === 'float') this.addNumber(Number(value));
    if (typeof value === 'string') this.addLength(value.length);
    this.addDistinct(typeof value === 'string' ? value : JSON.stringify(value));
  }

  private addNumber(value: number): void {
    const stats = this.numeric;
    stats.count++;
    stats.sum += value;
    if (value < stats.min) stats.min = value;
    if (value > stats.max) stats.max = value;
  }

  private addLength(chars: number): void {
    const stats = this.length;
    stats.count++;
    stats.sum += chars;
    if (chars < stats.min) stats.min = chars;
    if (chars > stats.max) stats.max = chars;
  }

  private addDistinct(text: string): void {
    // Past the cap only "1,000+" is reported, so the counting stops there.
    if (this.distinctOverflow) return;
    const key = text.length > DISTINCT_KEY_CHARS ? text.slice(0, DISTINCT_KEY_CHARS) : text;
    const count = this.counts.get(key);
    if (count !== undefined) this.counts.set(key, count + 1);
    else if (this.counts.size < DISTINCT_CAP) this.counts.set(key, 1);
    else this.distinctOverflow = true;
  }

  /** The column's type: the one kind seen, numbers widened to float, anything else mixed. */
  type(): string {
    const kinds = [...this.kinds.keys()];
    if (kinds.length === 0) return 'empty';
    if (kinds.length === 1) return kinds[0]!;
    if (kinds.every((kind) => kind === 'integer' || kind === 'float')) return 'float';
    const shares = [...this.kinds.entries()].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind} ${count}`);
    return `mixed (${shares.join(', ')})`;
  }

  /** A number column: every value present is a number. */
  isNumeric(): boolean {
    return this.numeric.count > 0 && this.numeric.count === this.present;
  }
}

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function jsonKindOf(value: unknown): ValueKind {
  return typeof value === 'string' ? 'string' : kindOf(value);
}

/** The kind of a value, reading numbers and booleans out of text. */
export function kindOf(value: unknown): ValueKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'object';
  const text = String(value);
  if (INTEGER.test(text)) return 'integer';
  if (FLOAT.test(text)) return 'float';
  if (text === 'true' || text === 'false' || text === 'True' || text === 'False') return 'boolean';
  return 'string';
}
