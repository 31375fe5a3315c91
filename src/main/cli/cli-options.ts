// What the commands share: the data folder the global --home names, and option values checked against
// their schemas with messages that say what the option takes.
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { resolveHome } from '../home';

interface GlobalOptions {
  home?: string;
}

/** The data folder: --home, else LOOPLAB_HOME, else the app-data folder. */
export function homeOf(command: Command): string {
  return resolveHome({ flag: command.optsWithGlobals<GlobalOptions>().home });
}

const numberIssues = new Set(['invalid_type', 'too_small', 'too_big', 'not_multiple_of']);

/** An option's value checked against its schema; `what` names the option with what it takes ("--max-time (seconds ≥ 1)"). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // zod's words for a number ("expected int, received number") say less than `what`; its words for a
  // choice, a format or a rule of ours (a run id "looks like run_…") say more.
  const said = result.error.issues.filter((issue) => !numberIssues.has(issue.code)).map((issue) => issue.message);
  throw new AppError(
    'invalid_input',
    `Invalid ${what}: ${JSON.stringify(value)}${said.length > 0 ? ` (${said.join('; ')})` : ''}.`,
  );
}

export const positiveInt = z.coerce.number().int().positive();

/** --param name=value, repeatable, into one record. */
export function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/s.exec(value);
  if (match === null) {
    throw new AppError('invalid_input', `Invalid --param ${value}.`, 'Write it as --param name=value.');
  }
  return { ...previous, [match[1]!]: match[2]! };
}
