// The Anthropic provider through the real `@anthropic-ai/sdk` against a fake Messages API speaking SSE.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ToolSpec } from '../core/model';
import { abortCases } from '../../../tests/fakes/provider-abort';
import { failureCases } from '../../../tests/fakes/provider-failures';
import { startAnthropicServer, type FakeAnthropicOptions } from '../../../tests/fakes/anthropic-server';
import { closedPort, collect, collectFailure, describeError, failureOf, streamOf } from '../../../tests/fakes/collect';
import type { FakeServer } from '../../../tests/fakes/http-fake';
import { createAnthropicProvider } from './anthropic';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const model = 'claude-sonnet-4-6';

async function start(options: FakeAnthropicOptions = {}) {
  server = await startAnthropicServer({ apiKey: 'sk-ant-test', ...options });
  return { server, provider: createAnthropicProvider({ baseURL: server.url, apiKey: 'sk-ant-test' }) };
}

const listFiles: ToolSpec = {
  name: 'list_files',
  description: 'List the files of the workspace.',
  parameters: { type: 'object', properties: { glob: { type: 'string' } } },
};

/** The prompt-cache mark on the tools, the system prompt and the newest block of the conversation. */
const cached = { cache_control: { type: 'ephemeral' } };

const messageBodies = (fake: FakeServer) =>
  fake.requests.filter((one) => one.path.startsWith('/v1/messages')).map((one) => one.body);

describe('anthropic stream', () => {
  it('streams text, tool_use blocks joined from input_json_delta, usage and finish', async () => {
    const { server, provider } = await start({
      turns: [
        {
          text: ['Looking at ', 'the data.'],
          toolCalls: [
            { id: 'toolu_01A', name: 'list_files', arguments: { glob: 'data/**/*.csv' } },
            { id: 'toolu_01B', name: 'list_files', arguments: {} },
          ],
          usage: { input: 2048, output: 77 },
        },
      ],
    });
    const events = await collect(streamOf(provider, { model, tools: [listFiles], maxOutputTokens: 4096 }));
    expect(events).toEqual([
      { type: 'text', delta: 'Looking at ' },
      { type: 'text', delta: 'the data.' },
      { type: 'tool_call', call: { id: 'toolu_01A', name: 'list_files', arguments: '{"glob":"data/**/*.csv"}' } },
      { type: 'tool_call', call: { id: 'toolu_01B', name: 'list_files', arguments: '{}' } },
      { type: 'usage', inputTokens: 2048, outputTokens: 77 },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(messageBodies(server)).toEqual([
      {
        model,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', ...cached }] }],
        tools: [
          {
            name: 'list_files',
            description: listFiles.description,
            input_schema: listFiles.parameters,
            ...cached,
          },
        ],
        stream: true,
      },
    ]);
  });

  it('sends the system prompt apart and tool results as tool_result blocks in one user message', async () => {
    const { server, provider } = await start({
      turns: [{ text: ['Both files read.'], usage: { input: 500, output: 5 } }],
    });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are an ML engineer.' },
      { role: 'user', content: 'Read both.' },
      {
        role: 'assistant',
        content: 'Reading.',
        toolCalls: [
          { id: 'toolu_1', name: 'read_file', arguments: '{"path":"a.csv"}' },
          { id: 'toolu_2', name: 'read_file', arguments: '{"path":"b.csv"}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', toolName: 'read_file', content: 'x,y\n1,2' },
      { role: 'tool', toolCallId: 'toolu_2', toolName: 'read_file', content: 'no such file: b.csv', isError: true },
      { role: 'user', content: 'Go on.' },
    ];
    expect(await collect(streamOf(provider, { model, messages }))).toEqual([
      { type: 'text', delta: 'Both files read.' },
      { type: 'usage', inputTokens: 500, outputTokens: 5 },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(messageBodies(server)).toEqual([
      {
        model,
        // claude-sonnet-4-6 writes up to 64,000 tokens in one reply.
        max_tokens: 64_000,
        system: [{ type: 'text', text: 'You are an ML engineer.', ...cached }],
        messages: [
          { role: 'user', content: 'Read both.' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Reading.' },
              { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.csv' } },
              { type: 'tool_use', id: 'toolu_2', name: 'read_file', input: { path: 'b.csv' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: 'x,y\n1,2' },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such file: b.csv', is_error: true },
              { type: 'text', text: 'Go on.', ...cached },
            ],
          },
        ],
        stream: true,
      },
    ]);
  });

  it('leaves out an assistant turn that said nothing, which the API would refuse as content: []', async () => {
    const { server, provider } = await start({ turns: [{ text: ['Done.'], usage: { input: 10, output: 2 } }] });
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Check the file.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'toolu_1', toolName: 'read_file', content: 'ok' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'Go on.' },
    ];
    await collect(streamOf(provider, { model, messages }));
    const [body] = messageBodies(server) as { messages: { role: string; content: unknown }[] }[];
    expect(body!.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(body!.messages.every((message) => !Array.isArray(message.content) || message.content.length > 0)).toBe(true);
  });

  it('reports the tokens read from and written to the prompt cache', async () => {
    const { provider } = await start({
      turns: [{ text: ['Ok.'], usage: { input: 100, output: 3, cacheRead: 9000, cacheWrite: 400 } }],
    });
    expect(await collect(streamOf(provider, { model }))).toEqual([
      { type: 'text', delta: 'Ok.' },
      { type: 'usage', inputTokens: 9500, outputTokens: 3, cacheReadTokens: 9000, cacheWriteTokens: 400 },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('maps max_tokens to length, and completes when the server is slow', async () => {
    const { provider } = await start({
      turns: [{ text: ['It was', ' the best'], stop: 'length', delayMs: 60, usage: { input: 9, output: 4 } }],
    });
    expect(await collect(streamOf(provider, { model }))).toEqual([
      { type: 'text', delta: 'It was' },
      { type: 'text', delta: ' the best' },
      { type: 'usage', inputTokens: 9, outputTokens: 4 },
      { type: 'finish', reason: 'length' },
    ]);
  });
});

describe('anthropic abort', () => {
  // message_start, content_block_start, ping, the first delta; then nothing.
  abortCases({ start, model, chunksToFirstText: 4 });
});

describe('anthropic errors', () => {
  failureCases(
    {
      start,
      model,
      at: (fake) => `Anthropic at ${fake.url}`,
      calls: messageBodies,
      cutAfter: 5,
      errorAfter: { chunks: 4, message: 'Overloaded' },
    },
    [
      [
        'a 429 with retry-after',
        { status: 429, message: 'Number of request tokens has exceeded your per-minute rate limit', retryAfter: '12' },
        {
          kind: 'rate_limited',
          said: '429: Number of request tokens has exceeded your per-minute rate limit',
          hint: 'wait 12 s and retry',
          retryAfterMs: 12_000,
        },
      ],
      ['a 529 overloaded', { status: 529, message: 'Overloaded' }, { kind: 'transient', said: '529: Overloaded' }],
      [
        'a 500',
        { status: 500, message: 'Internal server error' },
        { kind: 'transient', said: '500: Internal server error' },
      ],
      [
        'a 400 prompt too long',
        { status: 400, message: 'prompt is too long: 208511 tokens > 200000 maximum' },
        {
          kind: 'context_overflow',
          said: '400: prompt is too long: 208511 tokens > 200000 maximum',
          hint: 'the conversation no longer fits the context window: compact it or use a larger context',
        },
      ],
      [
        'another 400',
        { status: 400, message: 'messages: roles must alternate between "user" and "assistant"' },
        { kind: 'bad_request', said: '400: messages: roles must alternate between "user" and "assistant"' },
      ],
    ],
  );

  it('classifies a wrong key as auth, naming ANTHROPIC_API_KEY', async () => {
    const { server } = await start();
    const provider = createAnthropicProvider({ baseURL: server.url, apiKey: 'sk-ant-wrong' });
    const { error } = await collectFailure(streamOf(provider, { model }));
    expect(describeError(error)).toEqual({
      name: 'ProviderError',
      kind: 'auth',
      message: `Anthropic at ${server.url} answered 401: invalid x-api-key`,
      hint: 'set ANTHROPIC_API_KEY to a valid key (console.anthropic.com, API keys)',
      retryAfterMs: undefined,
    });
  });
});

describe('anthropic check', () => {
  it('takes the context window from the models API, else from the known table', async () => {
    const { provider } = await start({
      models: [
        { id: 'claude-sonnet-4-6', maxInputTokens: 1_000_000 },
        { id: 'claude-3-5-haiku-20241022', maxInputTokens: null },
      ],
    });
    expect(await provider.check('claude-sonnet-4-6')).toEqual({ contextLength: 1_000_000, supportsTools: true });
    expect(await provider.check('claude-3-5-haiku-20241022')).toEqual({ contextLength: 200_000, supportsTools: true });
  });

  it('says when the model is unknown', async () => {
    const { server, provider } = await start();
    expect(describeError(await failureOf(provider.check('claude-9')))).toEqual({
      name: 'ProviderError',
      kind: 'model_missing',
      message: `Anthropic at ${server.url} has no model 'claude-9' (model: claude-9)`,
      hint: `use a model id that GET ${server.url}/v1/models lists`,
      retryAfterMs: undefined,
    });
  });

  it('says to set ANTHROPIC_API_KEY when there is none, without a request', async () => {
    const { server } = await start();
    vi.stubEnv('ANTHROPIC_API_KEY', undefined);
    const provider = createAnthropicProvider({ baseURL: server.url });
    expect(describeError(await failureOf(provider.check(model)))).toEqual({
      name: 'ProviderError',
      kind: 'auth',
      message: 'No Anthropic API key is set',
      hint: 'set ANTHROPIC_API_KEY to a valid key (console.anthropic.com, API keys)',
      retryAfterMs: undefined,
    });
    vi.unstubAllEnvs();
    expect(server.requests).toEqual([]);
  });

  it('says what to check when nothing answers', async () => {
    const port = await closedPort();
    const provider = createAnthropicProvider({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'sk-ant-test' });
    expect(describeError(await failureOf(provider.check(model)))).toEqual({
      name: 'ProviderError',
      kind: 'unavailable',
      message: `Anthropic at http://127.0.0.1:${port} is not answering (connect ECONNREFUSED 127.0.0.1:${port})`,
      hint: 'check the network connection, or set ANTHROPIC_BASE_URL',
      retryAfterMs: undefined,
    });
  });
});
