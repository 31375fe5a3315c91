// Where a model name like `ollama/qwen2.5-coder:7b` finds its provider, configured from the
// environment once per host, and the readiness check a run makes before its first model call: the
// server answers, the model is there, its context length is known, and it can call tools.
import { AppError } from '../../shared/errors';
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

const huggingFaceRouter = 'https://router.huggingface.co/v1';

function factories(env: Env): Record<string, () => ModelProvider> {
  return {
    ollama: () => createOllamaProvider({ host: resolveOllamaHost(env.OLLAMA_HOST) }),
    openai: () =>
      createOpenAIProvider({
        baseURL: env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
        apiKey: env.OPENAI_API_KEY || 'not-needed',
      }),
    // An empty key means none: the provider then says to set one instead of reading process.env.
    anthropic: () =>
      createAnthropicProvider({ apiKey: env.ANTHROPIC_API_KEY ?? '', baseURL: env.ANTHROPIC_BASE_URL || undefined }),
    hf: () =>
      createOpenAIProvider({
        id: 'hf',
        baseURL: huggingFaceRouter,
        apiKey: env.HF_TOKEN || 'not-needed',
        label: 'the Hugging Face router',
        apiKeyEnv: 'HF_TOKEN',
      }),
  };
}

export function createProviders(env: Env = process.env): ProviderRegistry {
  const make = factories(env);
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
