// What a person types in a number field, read by the field's rule: empty is "not set"; thousands
// separators are fine; counts may say 50k or 1.5M where the rule allows. A wrong value comes back with
// the words the field shows under it.
export interface NumberRule {
  /** Only whole numbers. */
  whole?: boolean;
  /** The least value allowed. */
  min?: number;
  /** Values must be greater than this (0 for "positive"). */
  above?: number;
  /** The greatest value allowed. */
  max?: number;
  /** Accepts k (thousands) and M (millions) after the number. */
  suffixes?: boolean;
}

export type NumberRead = { ok: true; value: number | undefined } | { ok: false; error: string };

const multipliers: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** What the rule allows, in words: "a whole number from 1 to 10000". */
export function describeRule(rule: NumberRule): string {
  const kind = rule.whole === true ? 'a whole number' : 'a number';
  const lower =
    rule.min !== undefined ? { from: rule.min } : rule.above !== undefined ? { above: rule.above } : undefined;
  let range = '';
  if (lower !== undefined && 'from' in lower && rule.max !== undefined) range = ` from ${lower.from} to ${rule.max}`;
  else if (lower !== undefined && 'from' in lower) range = ` of at least ${lower.from}`;
  else if (lower !== undefined) range = ` above ${lower.above}${rule.max === undefined ? '' : `, at most ${rule.max}`}`;
  else if (rule.max !== undefined) range = ` of at most ${rule.max}`;
  return `${kind}${range}${rule.suffixes === true ? ' (like 200000 or 200k)' : ''}`;
}

export function readNumber(text: string, rule: NumberRule): NumberRead {
  const trimmed = text.trim().replace(/[_,\s]/g, '');
  if (trimmed === '') return { ok: true, value: undefined };
  const match = /^(-?\d*\.?\d+|-?\d+\.)([kKmM]?)$/.exec(trimmed);
  const wrong = { ok: false, error: describeRule(rule) } as const;
  if (match === null || (rule.suffixes !== true && match[2] !== '')) return wrong;
  const scaled = Number(match[1]) * multipliers[match[2]!.toLowerCase()]!;
  // 1.5k is 1500, a whole count; 2.5 steps is not.
  const value = match[2] === '' ? scaled : Math.round(scaled);
  if (!Number.isFinite(value) || (rule.whole === true && !Number.isSafeInteger(value))) return wrong;
  if (rule.min !== undefined && value < rule.min) return wrong;
  if (rule.above !== undefined && value <= rule.above) return wrong;
  if (rule.max !== undefined && value > rule.max) return wrong;
  return { ok: true, value };
}

/** How a saved value reads back in its field: empty when it is not set. */
export function numberText(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

export type NumberFields<K extends string> = Record<K, { text: string; rule: NumberRule }>;

/**
 * Several fields read at once: the values that are set, or each wrong field's words by its key, so a
 * form sends nothing until all of them read.
 */
export function readNumbers<K extends string>(
  fields: NumberFields<K>,
): { ok: true; values: Partial<Record<K, number>> } | { ok: false; errors: Partial<Record<K, string>> } {
  const values: Partial<Record<K, number>> = {};
  const errors: Partial<Record<K, string>> = {};
  for (const key of Object.keys(fields) as K[]) {
    const read = readNumber(fields[key].text, fields[key].rule);
    if (!read.ok) errors[key] = read.error;
    else if (read.value !== undefined) values[key] = read.value;
  }
  return Object.keys(errors).length === 0 ? { ok: true, values } : { ok: false, errors };
}
