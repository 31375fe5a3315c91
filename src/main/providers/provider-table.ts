// The model providers as data: each built-in is a row saying how it is reached (its wire format, its
// address, the variables and saved secret that hold its address and key), and settings.json adds rows
// of its own (OpenAI-compatible endpoints) or moves a built-in's address. One factory (registry.ts)
// makes a provider from any row, so a built-in and a user's endpoint are made the same way.
import { ANTHROPIC_SECRET, HF_SECRET, type builtinProviders, type ProviderSettings } from '../../shared/settings';

/** The API a provider speaks; each has one adapter, loaded when a model of it is first used. */
export type WireFormat = 'ollama' | 'openai-chat' | 'anthropic-messages';

export interface ProviderEntry {
  /** The provider part of a model name: `ollama/qwen2.5-coder:7b`. */
  id: string;
  wire: WireFormat;
  /** Where it listens unless the environment or settings.json says otherwise. */
  baseUrl: string;
  /** The environment variable that names another address; it wins over settings.json. */
  baseUrlEnv?: string;
  /** The environment variable that holds its key; it wins over the saved secret. */
  keyEnv?: string;
  /** The saved secret (src/main/settings/secret-store.ts) that holds its key. */
  secret?: string;
  /** Who answers, in messages; by default the adapter's own words for its address. */
  label?: string;
  /** Where the key is set, in hints; by default keyEnv. */
  keyPlace?: string;
  /** What to do when one of its models cannot call tools. */
  toolsHint?: string;
}

type BuiltinId = (typeof builtinProviders)[number];

/** The built-in providers, in the order they are listed. */
export const BUILTIN_PROVIDERS = [
  {
    id: 'ollama',
    wire: 'ollama',
    baseUrl: 'http://127.0.0.1:11434',
    baseUrlEnv: 'OLLAMA_HOST',
    toolsHint:
      'pick a model whose `ollama show <model>` lists the tools capability, e.g. qwen2.5-coder:7b or llama3.1:8b',
  },
  {
    id: 'openai',
    wire: 'openai-chat',
    baseUrl: 'https://api.openai.com/v1',
    baseUrlEnv: 'OPENAI_BASE_URL',
    keyEnv: 'OPENAI_API_KEY',
  },
  {
    id: 'anthropic',
    wire: 'anthropic-messages',
    baseUrl: 'https://api.anthropic.com',
    baseUrlEnv: 'ANTHROPIC_BASE_URL',
    keyEnv: 'ANTHROPIC_API_KEY',
    secret: ANTHROPIC_SECRET,
  },
  {
    id: 'hf',
    wire: 'openai-chat',
    baseUrl: 'https://router.huggingface.co/v1',
    keyEnv: 'HF_TOKEN',
    secret: HF_SECRET,
    label: 'the Hugging Face router',
  },
] as const satisfies readonly (ProviderEntry & { id: BuiltinId })[];

/**
 * Every provider a model name may start with: the built-ins, with the addresses settings.json gives
 * them (an endpoint named `openai` gives OpenAI's address and key), then settings.json's endpoints.
 */
export function providerTable(settings?: ProviderSettings): ProviderEntry[] {
  const openai = settings?.endpoints.find((endpoint) => endpoint.name === 'openai');
  const saved: Partial<Record<BuiltinId, { baseUrl?: string | undefined; secret?: string | undefined }>> = {
    ollama: { baseUrl: settings?.ollama.host },
    openai: { baseUrl: openai?.baseUrl, secret: openai?.keySecret },
    anthropic: { baseUrl: settings?.anthropic.baseUrl },
  };
  const builtins = BUILTIN_PROVIDERS.map((entry): ProviderEntry => {
    const moved = saved[entry.id] ?? {};
    return {
      ...entry,
      ...(moved.baseUrl !== undefined && { baseUrl: moved.baseUrl }),
      ...(moved.secret !== undefined && { secret: moved.secret }),
    };
  });
  const endpoints = (settings?.endpoints ?? [])
    .filter((endpoint) => endpoint !== openai)
    .map((endpoint): ProviderEntry => ({
      id: endpoint.name,
      wire: 'openai-chat',
      baseUrl: endpoint.baseUrl,
      ...(endpoint.keySecret !== undefined && { secret: endpoint.keySecret }),
      label: `${endpoint.name} (OpenAI-compatible)`,
      keyPlace: `the key of ${endpoint.name} in Settings`,
    }));
  return [...builtins, ...endpoints];
}
