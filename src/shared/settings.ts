// The person's settings as data: where the model providers are, the default model, the approval rules
// and budgets every new run starts with, and the sandbox's limits and network. Kept in settings.json
// in the data folder; secrets (API keys, tokens) are never part of it, only the names of secrets kept
// in the secret store.
import { z } from 'zod';
import { jobResourcesSchema } from './job-resources';
import { approvalRuleSchema, mcpServersSchema } from './loop-config';
import { modelProfilesSchema } from './model-profiles';
import { targetsSchema } from './targets';
import { networkSchema } from './network-policy';

/** The model a run uses when neither the person, LOOPLAB_MODEL nor settings.json names one. */
export const BUILTIN_DEFAULT_MODEL = 'ollama/qwen2.5-coder:7b';
/**
 * Local models report windows of up to 128k tokens, and Ollama reserves GPU memory for the whole
 * num_ctx it is sent; 32k keeps a 7B model on a 24 GB card. A run's contextLength changes it.
 */
export const DEFAULT_CONTEXT_CAP = 32_768;

/** Provider names that are built in; an OpenAI-compatible endpoint may reuse only `openai`. */
export const builtinProviders = ['ollama', 'openai', 'anthropic', 'hf'] as const;

/** Names of secrets: what a provider's `keySecret` refers to. */
export const secretNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/, 'a secret name is 1 to 64 lowercase letters, digits, . _ : or -');

/** The secret that holds the key of an OpenAI-compatible endpoint, by its name. */
export function endpointSecret(name: string): string {
  return `endpoint:${name}`;
}
export const ANTHROPIC_SECRET = 'anthropic';
export const HF_SECRET = 'hf';
export const GITHUB_SECRET = 'github';

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value), 'a URL starting with http:// or https://');

export const endpointSchema = z.strictObject({
  /** The provider name models are written with: `<name>/<model>`. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a name is 1 to 32 lowercase letters, digits, _ or -')
    .refine(
      (name) => name === 'openai' || !(builtinProviders as readonly string[]).includes(name),
      'ollama, anthropic and hf are built-in provider names; pick another',
    ),
  /** The server's API root, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: httpUrl,
  /** The secret store entry holding its API key; none for servers that take no key. */
  keySecret: secretNameSchema.optional(),
});
export type Endpoint = z.infer<typeof endpointSchema>;

const priceSchema = z.strictObject({
  input: z.number().nonnegative().describe('USD per million input tokens'),
  output: z.number().nonnegative().describe('USD per million output tokens'),
});

export const providerSettingsSchema = z.strictObject({
  /** Ollama's address, read like OLLAMA_HOST (which overrides it). */
  ollama: z.strictObject({ host: z.string().trim().min(1).max(2048).optional() }).default({}),
  /** OpenAI-compatible servers (vLLM, LM Studio, llama.cpp, OpenAI itself), one provider each. */
  endpoints: z
    .array(endpointSchema)
    .max(50)
    .default([])
    .refine((list) => new Set(list.map((endpoint) => endpoint.name)).size === list.length, 'endpoint names repeat'),
  /** Anthropic's API root, when not the public one; the key is the secret `anthropic`. */
  anthropic: z.strictObject({ baseUrl: httpUrl.optional() }).default({}),
  /** The Hugging Face Hub; the token is the secret `hf`. */
  huggingFace: z.strictObject({ hubUrl: httpUrl.default('https://huggingface.co') }).default({
    hubUrl: 'https://huggingface.co',
  }),
  /** GitHub's REST API (GitHub Enterprise: https://<host>/api/v3), for example code; the token is the secret `github`. */
  github: z.strictObject({ apiUrl: httpUrl.optional() }).optional(),
});
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;

export const defaultBudgetSchema = z.strictObject({
  maxSteps: z.number().int().positive().max(10_000).optional(),
  tokens: z.number().int().positive().optional(),
  costUsd: z.number().positive().optional(),
});

export const sandboxSettingsSchema = z.strictObject({
  cpus: z.number().positive().max(256).optional(),
  memoryMb: z.number().int().min(64).max(4_194_304).optional(),
  pids: z.number().int().min(16).max(1_000_000).optional(),
  /** What a new run's sandbox may reach. */
  network: networkSchema.default('none'),
});

export const settingsSchema = z
  .object({
    providers: providerSettingsSchema.default(providerSettingsSchema.parse({})),
    defaultModel: z.string().trim().min(3).max(300).default(BUILTIN_DEFAULT_MODEL),
    /** Approval rules every new run starts with, after those given for the run itself. */
    rules: z.array(approvalRuleSchema).max(200).default([]),
    budget: defaultBudgetSchema.default({}),
    sandbox: sandboxSettingsSchema.default({ network: 'none' }),
    /** What jobs may use, apart from the command sandbox's limits; the machine's share when unset. */
    jobs: jobResourcesSchema.optional(),
    /** Prices that replace or add to the built-in table, keyed by `provider/model`. */
    prices: z.record(z.string().min(3), priceSchema).default({}),
    /** MCP servers whose tools every new run may call, after those of its spec. */
    mcpServers: mcpServersSchema.optional(),
    /** Per-model profiles keyed by a model name or pattern (`ollama/qwen3*`), over the built-in ones. */
    modelProfiles: modelProfilesSchema.optional(),
    /** Where jobs may run besides this machine's engine: Docker engines on other machines. */
    targets: targetsSchema.optional(),
  })
  // A misspelt field (defaultModle) would otherwise be ignored without a word: it is named instead.
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

/** A change: the sections given replace those sections whole. */
export const settingsPatchSchema = z
  .object({
    providers: providerSettingsSchema.optional(),
    defaultModel: z.string().trim().min(3).max(300).optional(),
    rules: z.array(approvalRuleSchema).max(200).optional(),
    budget: defaultBudgetSchema.optional(),
    sandbox: sandboxSettingsSchema.optional(),
    jobs: jobResourcesSchema.optional(),
    modelProfiles: modelProfilesSchema.optional(),
    targets: targetsSchema.optional(),
  })
  .strict();
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

/** What the UI may know about a secret: that it is set, and its last characters. */
export interface SecretStatus {
  set: true;
  hint: string;
}

export interface SettingsView {
  /** The settings file, for the person to find. */
  file: string;
  settings: Settings;
  /** Secrets that are set, by name; values never leave the main process. */
  secrets: Record<string, SecretStatus>;
  /** Environment variables that override settings here, by setting (e.g. `providers.ollama.host`: `OLLAMA_HOST`). */
  overrides: Record<string, string>;
}

export interface StorageUsage {
  home: string;
  databaseBytes: number;
  blobsBytes: number;
  workspacesBytes: number;
  /** Free space on the disk that holds the data folder. */
  freeBytes: number;
  totalBytes: number;
  /** The runs that take the most space, largest first: events, blobs they refer to, workspace. */
  runs: RunDiskUse[];
}

export interface RunDiskUse {
  id: string;
  goal: string;
  status: string;
  bytes: number;
}

/** `…` and the last 4 characters for keys long enough that 4 characters reveal nothing useful. */
export function secretHint(value: string): string {
  return value.length >= 12 ? `…${value.slice(-4)}` : '…';
}
