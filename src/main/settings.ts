// The person's settings, in settings.json in the data folder. Read once per command, validated with
// zod; a broken file gives an error naming the file and the bad field, and nothing is overwritten.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../shared/errors';
import type { HomePaths } from './home';

const priceSchema = z.object({
  input: z.number().nonnegative().describe('USD per million input tokens'),
  output: z.number().nonnegative().describe('USD per million output tokens'),
});

export const settingsSchema = z
  .object({
    /** Prices that replace or add to the built-in table, keyed by `provider/model`. */
    prices: z.record(z.string().min(3), priceSchema).default({}),
  })
  .passthrough();
export type Settings = z.infer<typeof settingsSchema>;

export function loadSettings(paths: HomePaths): Settings {
  let text: string;
  try {
    text = readFileSync(paths.settings, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return settingsSchema.parse({});
    throw new AppError('unavailable', `Cannot read ${paths.settings}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `${paths.settings} is not valid JSON: ${(error as Error).message}`,
      'Fix the file, or move it away to start from the defaults.',
    );
  }
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
    .join('; ');
  throw new AppError(
    'invalid_input',
    `${paths.settings} has invalid settings: ${problems}`,
    'Fix the file, or move it away to start from the defaults.',
  );
}
