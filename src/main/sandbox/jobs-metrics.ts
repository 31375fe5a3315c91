// Metrics a job prints, one object per line: JSON (`{"step": 10, "loss": 0.31}`), or a dict as Python
// prints it, which is how Hugging Face's Trainer logs (`{'loss': 0.6931, 'learning_rate': 5e-05,
// 'epoch': 0.5}`), read without running anything. A line with numeric fields becomes one job.metric event.
// `step` is the x-axis when it is a whole number; every other finite number is a value. A field that is
// NaN or infinite (a diverging loss) is no value, as the event log keeps finite numbers only:
// `readMetricLine` names such fields apart. Anything else (text, arrays, objects without numbers) is just
// a log line.
import { z } from 'zod';
import { parseDictLiteral } from './jobs-metrics-literal';

export interface MetricLine {
  step?: number;
  values: Record<string, number>;
}

export interface MetricFields {
  /** The line as a metric, when it has a finite value. */
  metric: MetricLine | undefined;
  /** Fields whose value was NaN or ±infinity. */
  nonFinite: string[];
}

const MAX_LINE_CHARS = 64 * 1024;
const MAX_VALUES = 64;
const MAX_KEY_CHARS = 128;

const objectSchema = z.record(z.string(), z.unknown());
const stepSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The line's fields: JSON first, then a Python dict literal; undefined when it is neither. */
function fieldsOf(text: string): [string, unknown][] | undefined {
  try {
    const parsed = objectSchema.safeParse(JSON.parse(text));
    return parsed.success ? Object.entries(parsed.data) : undefined;
  } catch {
    return parseDictLiteral(text);
  }
}

export function parseMetricLine(line: string): MetricLine | undefined {
  return readMetricLine(line)?.metric;
}

/** The line's metric and its non-finite fields; undefined for a line with no numeric field at all. */
export function readMetricLine(line: string): MetricFields | undefined {
  // A progress bar redraws its line with carriage returns: only the last redraw counts.
  const text = line.slice(line.lastIndexOf('\r') + 1).trim();
  if (text.length > MAX_LINE_CHARS || !text.startsWith('{') || !text.endsWith('}')) return undefined;
  const fields = fieldsOf(text);
  if (fields === undefined) return undefined;
  const step = stepSchema.safeParse(Object.fromEntries(fields).step);
  const numeric = fields
    .filter(([key]) => key !== '' && key.length <= MAX_KEY_CHARS && !(key === 'step' && step.success))
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .slice(0, MAX_VALUES);
  const values = numeric.filter(([, value]) => Number.isFinite(value));
  const nonFinite = numeric.filter(([, value]) => !Number.isFinite(value)).map(([key]) => key);
  if (numeric.length === 0) return undefined;
  const metric = values.length === 0 ? undefined : { values: Object.fromEntries(values) };
  return { metric: step.success && metric !== undefined ? { step: step.data, ...metric } : metric, nonFinite };
}
