// Keeps secrets out of the run's record: API keys the app was given (by value) and strings shaped like
// well-known tokens are replaced before anything a tool printed or a model wrote is saved.
const tokenShapes: readonly RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{20,}/g, // Anthropic
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\bgh[pousr]_[A-Za-z0-9]{36,}/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{50,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

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
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Short values would redact ordinary words; real keys are long.
  const known = [...new Set(secrets.filter((secret) => secret.length >= 12))].sort((a, b) => b.length - a.length);
  const text = (value: string): string => {
    let out = value;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
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
  return { text, value: <T>(value: T) => walk(value) as T };
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
