// Where a model name like `ollama/qwen2.5-coder:7b` finds its provider: its row of the provider table
// (provider-table.ts), made into a provider by one factory with the address and key of the environment,
// else settings.json and the saved secrets; and the readiness check a run makes before its first model
// call: the server answers, the model is there, its context length is known, and it can call tools.
import { AppError } from '../../shared/errors';
import { SCRIPTED_PROVIDER } from '../../shared/scripted-model';
import type { ProviderSettings } from '../../shared/settings';
import { ProviderError, splitModelName, type ModelInfo, type ModelProvider } from '../core/model';
import { resolveOllamaHost } from './ollama-host';
import { providerTable, type ProviderEntry, type WireFormat } from './provider-table';

export interface ResolvedModel {
  provider: ModelProvider;
  /** The model's name within its provider. */
  model: string;
}

export interface ProviderRegistry {
  /** The provider names a model name may start with. */
  readonly names: readonly string[];
  /** Finds the provider of `provider/model`; an AppError says what a valid name looks like. */
  resolve(name: string): ResolvedModel;
  /** The model's context length and tool support, or a ProviderError saying what to do first. */
  readiness(name: string, signal?: AbortSignal): Promise<ModelInfo>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Settings and saved secrets behind the environment: a variable that is set wins over both. */
export interface ProviderSources {
  settings?: ProviderSettings;
  /** A saved secret by name (src/main/settings/secret-store.ts). */
  secret?: (name: string) => string | undefined;
}

/** Where a provider is reached and with what key, as the environment, settings and secrets say now. */
export interface Connection {
  entry: ProviderEntry;
  baseUrl: string;
  /** Undefined when neither its variable nor its secret holds one. */
  apiKey: string | undefined;
}

/**
 * Each wire format's adapter, imported on the first call to a model of it: the SDKs take a noticeable
 * time to load, and most commands never call a model.
 */
const adapters: Record<WireFormat, (connection: Connection) => Promise<ModelProvider>> = {
  ollama: async ({ baseUrl }) => (await import('./ollama')).createOllamaProvider({ host: baseUrl }),
  // Local servers that need no key get a placeholder.
  'openai-chat': async ({ entry, baseUrl, apiKey }) => {
    const keyPlace = entry.keyPlace ?? entry.keyEnv;
    return (await import('./openai')).createOpenAIProvider({
      id: entry.id,
      baseURL: baseUrl,
      apiKey: apiKey ?? 'not-needed',
      ...(entry.label !== undefined && { label: entry.label }),
      ...(keyPlace !== undefined && { apiKeyEnv: keyPlace }),
    });
  },
  // An empty key means none: the provider then says to set one instead of reading process.env.
  'anthropic-messages': async ({ baseUrl, apiKey }) =>
    (await import('./anthropic')).createAnthropicProvider({ apiKey: apiKey ?? '', baseURL: baseUrl }),
};

/** A provider whose adapter is loaded on its first call. */
function lazyProvider(id: string, load: () => Promise<ModelProvider>): ModelProvider {
  let loading: Promise<ModelProvider> | undefined;
  const adapter = () => (loading ??= load());
  return {
    id,
    check: async (model, signal) => (await adapter()).check(model, signal),
    async *stream(request) {
      yield* (await adapter()).stream(request);
    },
  };
}

/** A row's address and key: its variables when set, else what settings.json and the saved secrets say. */
export function connect(entry: ProviderEntry, env: Env, sources: ProviderSources = {}): Connection {
  const fromEnv = (name: string | undefined) => (name === undefined ? undefined : env[name]) || undefined;
  const address = fromEnv(entry.baseUrlEnv) || entry.baseUrl;
  const saved = entry.secret === undefined ? undefined : sources.secret?.(entry.secret);
  return {
    entry,
    baseUrl: entry.wire === 'ollama' ? resolveOllamaHost(address) : address,
    apiKey: fromEnv(entry.keyEnv) || saved || undefined,
  };
}

/** The one factory of providers, built-in or the user's: its wire format's adapter, loaded on first call. */
export function makeProvider(connection: Connection): ModelProvider {
  return lazyProvider(connection.entry.id, () => adapters[connection.entry.wire](connection));
}

export function createProviders(env: Env = process.env, sources: ProviderSources = {}): ProviderRegistry {
  const table = new Map(providerTable(sources.settings).map((entry) => [entry.id, entry]));
  const names = [...table.keys()];
  const made = new Map<string, ModelProvider>();
  const expected = `Write the model as provider/model, e.g. ollama/qwen2.5-coder:7b; providers: ${names.join(', ')}.`;

  function resolve(name: string): ResolvedModel {
    const parts = splitModelName(name);
    if (!parts)
      throw new AppError('invalid_input', `'${name}' is not a model name of the form provider/model`, expected);
    const entry = table.get(parts.provider);
    if (!entry && parts.provider === SCRIPTED_PROVIDER)
      throw new AppError(
        'invalid_input',
        `${name} is a scripted model: it replays a recording, or plays a bench task's reference solution within looplab bench, and cannot run on its own`,
        `Pick one of your models instead: ${expected}`,
      );
    if (!entry)
      throw new AppError('invalid_input', `Unknown model provider '${parts.provider}' in '${name}'`, expected);
    const provider = made.get(parts.provider) ?? makeProvider(connect(entry, env, sources));
    made.set(parts.provider, provider);
    return { provider, model: parts.model };
  }

  async function readiness(name: string, signal?: AbortSignal): Promise<ModelInfo> {
    const { provider, model } = resolve(name);
    const info = await provider.check(model, signal);
    if (info.supportsTools) return info;
    throw new ProviderError('bad_request', `${name} cannot call tools, and Looplab's agent works through tools`, {
      hint: table.get(provider.id)?.toolsHint ?? 'pick a model that this provider serves with tool calling',
    });
  }

  return { names, resolve, readiness };
}
