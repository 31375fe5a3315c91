// Model names resolve to providers configured from the environment given (else settings and saved
// secrets), and readiness says what to do before a run when the model cannot serve it.
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { closedPort, describeError, failureOf } from '../../../tests/fakes/collect';
import type { FakeServer } from '../../../tests/fakes/http-fake';
import { startOllamaServer } from '../../../tests/fakes/ollama-server';
import { startOpenAIServer } from '../../../tests/fakes/openai-server';
import { settingsSchema } from '../../shared/settings';
import { createProviders } from './registry';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const expected =
  'Write the model as provider/model, e.g. ollama/qwen2.5-coder:7b; providers: ollama, openai, anthropic, hf.';

describe('resolve', () => {
  it('splits provider/model, keeping slashes in the model part, and reuses each provider', () => {
    const providers = createProviders({});
    const resolved = [
      'ollama/qwen2.5-coder:7b',
      'openai/meta-llama/Llama-3.1-8B-Instruct',
      'anthropic/claude-sonnet-4-6',
      'hf/Qwen/Qwen2.5-Coder-32B-Instruct:nebius',
    ].map((name) => providers.resolve(name));
    expect(resolved.map(({ provider, model }) => [provider.id, model])).toEqual([
      ['ollama', 'qwen2.5-coder:7b'],
      ['openai', 'meta-llama/Llama-3.1-8B-Instruct'],
      ['anthropic', 'claude-sonnet-4-6'],
      ['hf', 'Qwen/Qwen2.5-Coder-32B-Instruct:nebius'],
    ]);
    expect(providers.resolve('ollama/llama3.1:8b').provider).toBe(resolved[0]?.provider);
    expect(providers.names).toEqual(['ollama', 'openai', 'anthropic', 'hf']);
  });

  it.each([
    ['qwen2.5-coder:7b', `'qwen2.5-coder:7b' is not a model name of the form provider/model`],
    ['ollama/', `'ollama/' is not a model name of the form provider/model`],
    ['mistral/mistral-large', `Unknown model provider 'mistral' in 'mistral/mistral-large'`],
  ])('refuses %s, naming the known providers and the expected form', (name, message) => {
    const error = (() => {
      try {
        createProviders({}).resolve(name);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toInfo()).toEqual({ code: 'invalid_input', message, hint: expected });
  });
});

it('refuses a scripted model outside a bench or replay, saying what it is', () => {
  expect(() => createProviders({}).resolve('scripted/oracle')).toThrow(
    "scripted/oracle is a scripted model: it replays a recording, or plays a bench task's reference solution within looplab bench, and cannot run on its own",
  );
});

describe('readiness', () => {
  it('gives the model’s context length when it is there and takes tools', async () => {
    server = await startOllamaServer();
    const providers = createProviders({ OLLAMA_HOST: server.url });
    expect(await providers.readiness('ollama/qwen2.5-coder:7b')).toEqual({ contextLength: 32768, supportsTools: true });
  });

  it('says the model cannot call tools, and which ones can', async () => {
    server = await startOllamaServer({
      models: [{ name: 'gemma2:2b', architecture: 'gemma2', contextLength: 8192, capabilities: ['completion'] }],
    });
    const providers = createProviders({ OLLAMA_HOST: server.url });
    expect(describeError(await failureOf(providers.readiness('ollama/gemma2:2b')))).toEqual({
      name: 'ProviderError',
      kind: 'bad_request',
      message: "ollama/gemma2:2b cannot call tools, and Looplab's agent works through tools",
      hint: 'pick a model whose `ollama show <model>` lists the tools capability, e.g. qwen2.5-coder:7b or llama3.1:8b',
      retryAfterMs: undefined,
    });
  });

  it('says how to pull a missing model', async () => {
    server = await startOllamaServer();
    const providers = createProviders({ OLLAMA_HOST: server.url });
    expect(describeError(await failureOf(providers.readiness('ollama/llama3.1:8b')))).toEqual({
      name: 'ProviderError',
      kind: 'model_missing',
      message: `Ollama at ${server.url} has no model 'llama3.1:8b' (model 'llama3.1:8b' not found)`,
      hint: 'ollama pull llama3.1:8b',
      retryAfterMs: undefined,
    });
  });

  it('says how to start Ollama when it is down', async () => {
    const port = await closedPort();
    const providers = createProviders({ OLLAMA_HOST: `127.0.0.1:${port}` });
    expect(describeError(await failureOf(providers.readiness('ollama/qwen2.5-coder:7b')))).toEqual({
      name: 'ProviderError',
      kind: 'unavailable',
      message: `Ollama at http://127.0.0.1:${port} is not answering (connect ECONNREFUSED 127.0.0.1:${port})`,
      hint: 'start it with `ollama serve`, or set OLLAMA_HOST',
      retryAfterMs: undefined,
    });
  });

  it('says which key to set when an OpenAI-compatible server refuses it', async () => {
    server = await startOpenAIServer({ apiKey: 'sk-right' });
    const providers = createProviders({ OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'sk-wrong' });
    expect(describeError(await failureOf(providers.readiness('openai/gpt-4o-mini')))).toEqual({
      name: 'ProviderError',
      kind: 'auth',
      message: `the OpenAI-compatible server at ${server.url}/v1 answered 401: Incorrect API key provided.`,
      hint: 'set OPENAI_API_KEY to a valid key',
      retryAfterMs: undefined,
    });
  });

  it('says to set ANTHROPIC_API_KEY when the environment has none', async () => {
    const providers = createProviders({});
    expect(describeError(await failureOf(providers.readiness('anthropic/claude-sonnet-4-6')))).toEqual({
      name: 'ProviderError',
      kind: 'auth',
      message: 'No Anthropic API key is set',
      hint: 'set ANTHROPIC_API_KEY to a valid key (console.anthropic.com, API keys)',
      retryAfterMs: undefined,
    });
  });

  it('takes each value from the environment, else settings and the saved secrets', async () => {
    server = await startOpenAIServer({ apiKey: 'sk-saved-key' });
    const port = await closedPort();
    const settings = settingsSchema.parse({
      providers: {
        endpoints: [
          { name: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, keySecret: 'endpoint:openai' },
          { name: 'local', baseUrl: `${server.url}/v1`, keySecret: 'endpoint:local' },
        ],
      },
    }).providers;
    const secrets: Record<string, string> = { 'endpoint:openai': 'sk-saved-key', 'endpoint:local': 'sk-saved-key' };
    const sources = { settings, secret: (name: string) => secrets[name] };
    // OPENAI_BASE_URL wins over the saved URL (a closed port); the saved key is used where no variable is set.
    const fromEnv = createProviders({ OPENAI_BASE_URL: `${server.url}/v1` }, sources);
    expect((await fromEnv.readiness('openai/gpt-4o-mini')).supportsTools).toBe(true);
    expect((await fromEnv.readiness('local/gpt-4o-mini')).supportsTools).toBe(true);
    expect(fromEnv.names).toEqual(['ollama', 'openai', 'anthropic', 'hf', 'local']);
    // OPENAI_API_KEY wins over the saved key.
    const wrongKey = createProviders({ OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'sk-wrong' }, sources);
    expect(describeError(await failureOf(wrongKey.readiness('openai/gpt-4o-mini')))).toMatchObject({ kind: 'auth' });
    const noKey = createProviders({}, { settings });
    expect(describeError(await failureOf(noKey.readiness('local/gpt-4o-mini')))).toMatchObject({
      kind: 'auth',
      hint: 'set the key of local in Settings to a valid key',
    });
  });
});
