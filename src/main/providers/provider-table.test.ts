// The provider table drives the one factory: a row's address, key variable and saved secret decide
// where a provider connects and what its messages say, for the built-ins and settings.json's endpoints
// alike.
import { afterEach, describe, expect, it } from 'vitest';
import { describeError, failureOf } from '../../../tests/fakes/collect';
import type { FakeServer } from '../../../tests/fakes/http-fake';
import { startOpenAIServer } from '../../../tests/fakes/openai-server';
import { builtinProviders, settingsSchema } from '../../shared/settings';
import { BUILTIN_PROVIDERS, providerTable, type ProviderEntry } from './provider-table';
import { connect, makeProvider } from './registry';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the built-in rows', () => {
  it('are the built-in names settings.json keeps endpoints from taking', () => {
    expect(BUILTIN_PROVIDERS.map((entry) => entry.id)).toEqual([...builtinProviders]);
  });

  it('give each built-in its address, and the variables and secret that override it', () => {
    const saved: Record<string, string> = { anthropic: 'sk-ant-saved', hf: 'hf_saved' };
    const secret = (name: string) => saved[name];
    expect(BUILTIN_PROVIDERS.map((entry) => [entry.id, connect(entry, {}, { secret })])).toEqual([
      ['ollama', expect.objectContaining({ baseUrl: 'http://127.0.0.1:11434', apiKey: undefined })],
      ['openai', expect.objectContaining({ baseUrl: 'https://api.openai.com/v1', apiKey: undefined })],
      ['anthropic', expect.objectContaining({ baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-saved' })],
      ['hf', expect.objectContaining({ baseUrl: 'https://router.huggingface.co/v1', apiKey: 'hf_saved' })],
    ]);
    const env = {
      OLLAMA_HOST: 'gpu-box',
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
      OPENAI_API_KEY: 'sk-env',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9000',
      ANTHROPIC_API_KEY: 'sk-ant-env',
      HF_TOKEN: 'hf_env',
    };
    expect(
      BUILTIN_PROVIDERS.map((entry) => connect(entry, env, { secret })).map(({ baseUrl, apiKey }) => [baseUrl, apiKey]),
    ).toEqual([
      ['http://gpu-box:11434', undefined],
      ['http://127.0.0.1:8000/v1', 'sk-env'],
      ['http://127.0.0.1:9000', 'sk-ant-env'],
      ['https://router.huggingface.co/v1', 'hf_env'],
    ]);
  });
});

describe('the factory', () => {
  it('connects a row to its address with the key its variable holds, and names that variable when it is wrong', async () => {
    server = await startOpenAIServer({ apiKey: 'sk-right' });
    const row: ProviderEntry = { id: 'lab', wire: 'openai-chat', baseUrl: `${server.url}/v1`, keyEnv: 'LAB_KEY' };
    const provider = makeProvider(connect(row, { LAB_KEY: 'sk-right' }));
    expect(provider.id).toBe('lab');
    expect((await provider.check('gpt-4o-mini')).supportsTools).toBe(true);
    const wrong = makeProvider(connect(row, { LAB_KEY: 'sk-wrong' }));
    expect(describeError(await failureOf(wrong.check('gpt-4o-mini')))).toMatchObject({
      kind: 'auth',
      message: `the OpenAI-compatible server at ${server.url}/v1 answered 401: Incorrect API key provided.`,
      hint: 'set LAB_KEY to a valid key',
    });
  });

  it('makes settings.json’s endpoints from rows of the same table, and lets an endpoint named openai move OpenAI', () => {
    const settings = settingsSchema.parse({
      providers: {
        ollama: { host: 'gpu-box:11500' },
        endpoints: [
          { name: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', keySecret: 'endpoint:openai' },
          { name: 'local', baseUrl: 'http://127.0.0.1:8080/v1', keySecret: 'endpoint:local' },
        ],
      },
    }).providers;
    const table = providerTable(settings);
    expect(table.map((entry) => [entry.id, entry.wire, entry.baseUrl, entry.secret])).toEqual([
      ['ollama', 'ollama', 'gpu-box:11500', undefined],
      ['openai', 'openai-chat', 'http://127.0.0.1:8000/v1', 'endpoint:openai'],
      ['anthropic', 'anthropic-messages', 'https://api.anthropic.com', 'anthropic'],
      ['hf', 'openai-chat', 'https://router.huggingface.co/v1', 'hf'],
      ['local', 'openai-chat', 'http://127.0.0.1:8080/v1', 'endpoint:local'],
    ]);
    const local = connect(table[4]!, { OPENAI_API_KEY: 'sk-not-this-one' }, { secret: () => 'sk-local' });
    expect([local.baseUrl, local.apiKey]).toEqual(['http://127.0.0.1:8080/v1', 'sk-local']);
  });
});
