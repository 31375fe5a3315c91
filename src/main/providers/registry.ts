// Where a model name like `ollama/qwen2.5-coder:7b` finds its provider, configured from the
// environment, else settings.json and the saved secrets, and the readiness check a run makes before
// its first model call: the server answers, the model is there, its context length is known, and it
// can call tools.
import { AppError } from '../../shared/errors';
import { ANTHROPIC_SECRET, HF_SECRET, type ProviderSettings } from '../../shared/settings';
import { ProviderError, splitModelName, type ModelInfo, type ModelProvider } from '../core/model';
import { createAnthropicProvider } from './anthropic';
import { createOllamaProvider } from './ollama';
import { resolveOllamaHost } from './ollama-host';
import { createOpenAIProvider } from './openai';

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

const huggingFaceRouter = 'https://router.huggingface.co/v1';

function factories(env: Env, sources: ProviderSources): Record<string, () => ModelProvider> {
  const settings = sources.settings;
  const secret = (name: string | undefined) => (name === undefined ? undefined : sources.secret?.(name));
  const openaiEndpoint = settings?.endpoints.find((endpoint) => endpoint.name === 'openai');
  const endpoints = Object.fromEntries(
    (settings?.endpoints ?? [])
      .filter((endpoint) => endpoint.name !== 'openai')
      .map((endpoint) => [
        endpoint.name,
        () =>
          createOpenAIProvider({
            id: endpoint.name,
            baseURL: endpoint.baseUrl,
            apiKey: secret(endpoint.keySecret) || 'not-needed',
            label: `${endpoint.name} (OpenAI-compatible)`,
            apiKeyEnv: `the key of ${endpoint.name} in Settings`,
          }),
      ]),
  );
  return {
    ollama: () => createOllamaProvider({ host: resolveOllamaHost(env.OLLAMA_HOST || settings?.ollama.host) }),
    openai: () =>
      createOpenAIProvider({
        baseURL: env.OPENAI_BASE_URL || openaiEndpoint?.baseUrl || 'https://api.openai.com/v1',
        apiKey: env.OPENAI_API_KEY || secret(openaiEndpoint?.keySecret) || 'not-needed',
      }),
    // An empty key means none: the provider then says to set one instead of reading process.env.
    anthropic: () =>
      createAnthropicProvider({
        apiKey: env.ANTHROPIC_API_KEY || secret(ANTHROPIC_SECRET) || '',
        baseURL: env.ANTHROPIC_BASE_URL || settings?.anthropic.baseUrl || undefined,
      }),
    hf: () =>
      createOpenAIProvider({
        id: 'hf',
        baseURL: huggingFaceRouter,
        apiKey: env.HF_TOKEN || secret(HF_SECRET) || 'not-needed',
        label: 'the Hugging Face router',
        apiKeyEnv: 'HF_TOKEN',
      }),
    ...endpoints,
  };
}

export function createProviders(env: Env = process.env, sources: ProviderSources = {}): ProviderRegistry {
  const make = factories(env, sources);
  const names = Object.keys(make);
  const made = new Map<string, ModelProvider>();
  const expected = `Write the model as provider/model, e.g. ollama/qwen2.5-coder:7b; providers: ${names.join(', ')}.`;

  function resolve(name: string): ResolvedModel {
    const parts = splitModelName(name);
    if (!parts)
      throw new AppError('invalid_input', `'${name}' is not a model name of the form provider/model`, expected);
    const factory = make[parts.provider];
    if (!factory)
      throw new AppError('invalid_input', `Unknown model provider '${parts.provider}' in '${name}'`, expected);
    const provider = made.get(parts.provider) ?? factory();
    made.set(parts.provider, provider);
    return { provider, model: parts.model };
  }

  async function readiness(name: string, signal?: AbortSignal): Promise<ModelInfo> {
    const { provider, model } = resolve(name);
    const info = await provider.check(model, signal);
    if (info.supportsTools) return info;
    throw new ProviderError('bad_request', `${name} cannot call tools, and Looplab's agent works through tools`, {
      hint:
        provider.id === 'ollama'
          ? `pick a model whose \`ollama show <model>\` lists the tools capability, e.g. qwen2.5-coder:7b or llama3.1:8b`
          : 'pick a model that this provider serves with tool calling',
    });
  }

  return { names, resolve, readiness };
}
