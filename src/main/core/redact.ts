// Keeps secrets out of the run's record and of everything shown: the values of known secrets (and their
// common encodings, see secret-forms.ts) and strings shaped like well-known tokens are replaced before
// anything a tool printed or a model wrote is saved, streamed or printed.
import { MIN_FORM_LENGTH, secretForms } from './secret-forms';
import { streamSettler } from './stream-settle';
import { tokenShapes } from './token-shapes';

/** Environment variables whose values are secrets wherever they appear. */
export const secretVariables = [
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'GITHUB_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
  'WANDB_API_KEY',
] as const;

export const REDACTED = '[redacted]';

export interface Redactor {
  text(value: string): string;
  /** Redacts every string inside a JSON value. */
  value<T>(value: T): T;
  /**
   * How much of `text`, the start of a stream that goes on, can be shown now: no secret or token shape
   * that starts there could still be completed by what comes next. The rest waits for more text.
   */
  settled(text: string): number;
}

/** Secrets shorter than this are not redacted: they would redact ordinary words; real keys are long. */
export const MIN_SECRET_LENGTH = MIN_FORM_LENGTH;

export function createRedactor(secrets: readonly string[]): Redactor {
  const values = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  // Every form of every secret, longest first so that where several match the longest is taken, all
  // found in one pass over the text (a search per form, on a megabyte of output, took 15 times as long).
  const known = [...new Set(values.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  const forms = known.length === 0 ? undefined : new RegExp(known.map(escapeRegExp).join('|'), 'g');
  const text = (value: string): string => {
    let out = forms === undefined ? value : value.replace(forms, REDACTED);
    for (const shape of tokenShapes) out = out.replace(shape, REDACTED);
    return out;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    return value;
  };
  return { text, value: <T>(value: T) => walk(value) as T, settled: streamSettler(known) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return secretVariables.flatMap((name) => (env[name] === undefined || env[name] === '' ? [] : [env[name]!]));
}

/** Names of environment variables that hold secrets by convention: *_API_KEY, *_TOKEN, *_SECRET… */
const secretName = /(?:^|_)(?:API_?KEY|TOKEN|SECRET|SECRET_KEY|PASSWORD|PASSWD|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$/i;

/** The known secret variables' values, and those of every variable whose name looks like a secret's. */
export function secretsFromEnvNames(env: NodeJS.ProcessEnv): string[] {
  const named = Object.entries(env).flatMap(([name, value]) =>
    secretName.test(name) && value !== undefined && value !== '' ? [value] : [],
  );
  return [...new Set([...secretsFromEnv(env), ...named])];
}
