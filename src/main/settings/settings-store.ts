// The person's settings, in settings.json in the data folder, validated with zod (src/shared/settings.ts).
// A broken file gives an error naming the file and the bad field, and is never overwritten: a change
// is refused until the file is fixed. Every rewrite keeps the previous file as settings.json.bak and
// is atomic (temporary file, fsync, rename).
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { ZodObject, type z } from 'zod';
import { closestName } from '../../shared/closest-name';
import { AppError } from '../../shared/errors';
import { settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings';
import type { HomePaths } from '../home';
import { writeFileAtomic } from './atomic-write';

export { settingsSchema, type Settings };

const FIX_HINT = 'Fix the file, or move it away to start from the defaults.';

function problemsOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.join('.');
      if (issue.code !== 'unrecognized_keys') return `${where || '(top level)'}: ${issue.message}`;
      const known = knownFields(issue.path);
      return issue.keys
        .map((key) => {
          const near = closestName(key, known);
          const field = where === '' ? key : `${where}.${key}`;
          return `${field}: unknown field${near === undefined ? '' : ` (did you mean ${near}?)`}; known: ${known.join(', ')}`;
        })
        .join('; ');
    })
    .join('; ');
}

/** The fields of the settings object at a path, for naming what a misspelt field may have meant. */
function knownFields(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = settingsSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const shape = schema instanceof ZodObject ? (schema.shape as Record<string, z.core.$ZodType>) : {};
    const next = shape[String(key)];
    if (next === undefined) return [];
    schema = next;
  }
  schema = unwrap(schema);
  return schema instanceof ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const inner = (schema._zod.def as { innerType?: z.core.$ZodType }).innerType;
  return inner === undefined ? schema : unwrap(inner);
}

function readRaw(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AppError('unavailable', `Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid_input', `${file} is not valid JSON: ${(error as Error).message}`, FIX_HINT);
  }
}

export function loadSettings(paths: HomePaths): Settings {
  const parsed = settingsSchema.safeParse(readRaw(paths.settings));
  if (parsed.success) return parsed.data;
  throw new AppError('invalid_input', `${paths.settings} has invalid settings: ${problemsOf(parsed.error)}`, FIX_HINT);
}

/**
 * Applies a change (the sections given replace those sections) and saves it. A file that does not
 * validate (a bad value, a field this version does not know) is left untouched.
 */
export function updateSettings(paths: HomePaths, patch: SettingsPatch): Settings {
  const checked = settingsPatchSchema.safeParse(patch);
  if (!checked.success) {
    throw new AppError('invalid_input', `Invalid settings: ${problemsOf(checked.error)}`, 'Correct the field named.');
  }
  const current = loadSettings(paths);
  const given = Object.fromEntries(Object.entries(checked.data).filter(([, value]) => value !== undefined));
  const next = settingsSchema.parse({ ...current, ...given });
  saveSettings(paths, next);
  return next;
}

function saveSettings(paths: HomePaths, settings: Settings): void {
  if (existsSync(paths.settings)) copyFileSync(paths.settings, `${paths.settings}.bak`);
  writeFileAtomic(paths.settings, `${JSON.stringify(settings, null, 2)}\n`);
}
