// Metrics a job prints as JSON lines (`{"step": 10, "loss": 0.31}`): a line that is a JSON object with
// numeric fields becomes one job.metric event. `step` is the x-axis when it is a whole number; every other
// finite number is a value. Anything else (text, arrays, objects without numbers) is just a log line.
import { z } from 'zod';

export interface MetricLine {
  step?: number;
  values: Record<string, number>;
}

const MAX_LINE_CHARS = 64 * 1024;
const MAX_VALUES = 64;
const MAX_KEY_CHARS = 128;

const objectSchema = z.record(z.string(), z.unknown());
const stepSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const valueSchema = z.number().finite();

export function parseMetricLine(line: string): MetricLine | undefined {
  // A progress bar redraws its line with carriage returns: only the last redraw counts.
  const text = line.slice(line.lastIndexOf('\r') + 1).trim();
  if (text.length > MAX_LINE_CHARS || !text.startsWith('{') || !text.endsWith('}')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = objectSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const step = stepSchema.safeParse(parsed.data.step);
  const values = Object.entries(parsed.data)
    .filter(([key]) => key !== '' && key.length <= MAX_KEY_CHARS && !(key === 'step' && step.success))
    .filter(([, value]) => valueSchema.safeParse(value).success)
    .slice(0, MAX_VALUES) as [string, number][];
  if (values.length === 0) return undefined;
  return step.success
    ? { step: step.data, values: Object.fromEntries(values) }
    : { values: Object.fromEntries(values) };
}
