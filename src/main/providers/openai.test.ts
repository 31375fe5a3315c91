// The OpenAI-compatible provider through the real `openai` client against a fake server speaking SSE.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ToolSpec } from '../core/model';
import { closedPort, collect, collectFailure, describeError, failureOf, streamOf } from '../../../tests/fakes/collect';
import type { FakeServer } from '../../../tests/fakes/http-fake';
import { abortCases } from '../../../tests/fakes/provider-abort';
import { failureCases } from '../../../tests/fakes/provider-failures';
import { startOpenAIServer, type FakeOpenAIOptions } from '../../../tests/fakes/openai-server';
import { createOpenAIProvider } from './openai';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const model = 'Qwen/Qwen2.5-Coder-7B-Instruct';

async function start(options: FakeOpenAIOptions = {}) {
  server = await startOpenAIServer({ models: [{ id: model, max_model_len: 32768 }], ...options });
  const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: 'sk-test' });
  return { server, provider };
}

const runPython: ToolSpec = {
  name: 'run_python',
  description: 'Run a Python script in the sandbox.',
  parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
};

const chatBodies = (fake: FakeServer) =>
  fake.requests.filter((one) => one.path === '/v1/chat/completions').map((one) => one.body);

describe('openai stream', () => {
  it('joins tool-call deltas by index into whole calls, then usage and finish', async () => {
    const { server, provider } = await start({
      turns: [
        {
          text: ['Training ', 'now.'],
          toolCalls: [
            { id: 'call_a1', name: 'run_python', arguments: { code: 'import sklearn\nprint(sklearn.__version__)' } },
            { id: 'call_b2', name: 'run_python', arguments: { code: 'print("ok")', timeout_s: 30 } },
          ],
          usage: { input: 1200, output: 64 },
        },
      ],
    });
    const events = await collect(
      streamOf(provider, { model, tools: [runPython], maxOutputTokens: 1024, temperature: 0 }),
    );
    expect(events).toEqual([
      { type: 'text', delta: 'Training ' },
      { type: 'text', delta: 'now.' },
      {
        type: 'tool_call',
        call: {
          id: 'call_a1',
          name: 'run_python',
          arguments: '{"code":"import sklearn\\nprint(sklearn.__version__)"}',
        },
      },
      {
        type: 'tool_call',
        call: { id: 'call_b2', name: 'run_python', arguments: '{"code":"print(\\"ok\\")","timeout_s":30}' },
      },
      { type: 'usage', inputTokens: 1200, outputTokens: 64 },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(chatBodies(server)).toEqual([
      {
        model,
        messages: [{ role: 'user', content: 'hello' }],
        tools: [{ type: 'function', function: runPython }],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 1024,
        temperature: 0,
      },
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('sends tool calls and results back in the OpenAI shape', async () => {
    const { server, provider } = await start({
      turns: [{ text: ['Accuracy is 0.91.'], usage: { input: 300, output: 6 } }],
    });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are an ML engineer.' },
      { role: 'user', content: 'Evaluate.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_a1', name: 'run_python', arguments: '{"code":"1"}' }] },
      { role: 'tool', toolCallId: 'call_a1', toolName: 'run_python', content: 'accuracy=0.91' },
    ];
    expect(await collect(streamOf(provider, { model, messages }))).toEqual([
      { type: 'text', delta: 'Accuracy is 0.91.' },
      { type: 'usage', inputTokens: 300, outputTokens: 6 },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(chatBodies(server)).toEqual([
      {
        model,
        messages: [
          { role: 'system', content: 'You are an ML engineer.' },
          { role: 'user', content: 'Evaluate.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a1', type: 'function', function: { name: 'run_python', arguments: '{"code":"1"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_a1', content: 'accuracy=0.91' },
        ],
        stream: true,
        stream_options: { include_usage: true },
      },
    ]);
  });

  it('maps finish_reason length, and completes when the server is slow', async () => {
    const { provider } = await start({
      turns: [{ text: ['a', 'b'], stop: 'length', delayMs: 100, usage: { input: 4, output: 2 } }],
    });
    expect(await collect(streamOf(provider, { model }))).toEqual([
      { type: 'text', delta: 'a' },
      { type: 'text', delta: 'b' },
      { type: 'usage', inputTokens: 4, outputTokens: 2 },
      { type: 'finish', reason: 'length' },
    ]);
  });

  it('talks to OpenAI itself by default, with max_completion_tokens and OPENAI_API_KEY', async () => {
    const fake = await startOpenAIServer({ models: [{ id: 'gpt-4o-mini' }], turns: [{ text: ['hi'] }] });
    server = fake;
    vi.stubEnv('OPENAI_BASE_URL', undefined);
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env');
    const redirect = (input: string | URL | Request, init?: RequestInit) =>
      fetch(String(input).replace('https://api.openai.com', fake.url), init);
    const provider = createOpenAIProvider({ fetch: redirect });
    await collect(streamOf(provider, { model: 'gpt-4o-mini', maxOutputTokens: 50 }));
    vi.unstubAllEnvs();
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-from-env');
    expect(chatBodies(fake)).toEqual([expect.objectContaining({ max_completion_tokens: 50 })]);
    expect(await provider.check('gpt-4o-mini')).toEqual({ contextLength: 128_000, supportsTools: true });
  });
});

describe('openai abort', () => {
  abortCases({ start, model, chunksToFirstText: 2 });
});

describe('openai errors', () => {
  failureCases(
    {
      start,
      model,
      at,
      calls: chatBodies,
      cutAfter: 3,
      errorAfter: { chunks: 2, message: 'upstream connection reset' },
    },
    [
      [
        'a 429 with retry-after',
        { status: 429, message: 'Rate limit reached for requests', retryAfter: '2' },
        {
          kind: 'rate_limited',
          said: '429: Rate limit reached for requests',
          hint: 'wait 2 s and retry',
          retryAfterMs: 2000,
        },
      ],
      [
        'a 429 with retry-after-ms',
        { status: 429, message: 'slow down', retryAfterMs: '1500' },
        { kind: 'rate_limited', said: '429: slow down', hint: 'wait 2 s and retry', retryAfterMs: 1500 },
      ],
      [
        'a 500',
        { status: 500, message: 'The server had an error while processing your request.' },
        { kind: 'transient', said: '500: The server had an error while processing your request.' },
      ],
      [
        'a 503',
        { status: 503, message: 'Service Unavailable' },
        { kind: 'transient', said: '503: Service Unavailable' },
      ],
      [
        'a 401',
        { status: 401, message: 'Incorrect API key provided.' },
        { kind: 'auth', said: '401: Incorrect API key provided.', hint: 'set OPENAI_API_KEY to a valid key' },
      ],
      [
        'a 400 about the context length',
        {
          status: 400,
          message: "This model's maximum context length is 32768 tokens. However, you requested 40211 tokens.",
        },
        {
          kind: 'context_overflow',
          said: "400: This model's maximum context length is 32768 tokens. However, you requested 40211 tokens.",
          hint: 'the conversation no longer fits the context window: compact it or use a larger context',
        },
      ],
      [
        'another 400',
        { status: 400, message: "Invalid value for 'tool_choice'" },
        { kind: 'bad_request', said: "400: Invalid value for 'tool_choice'" },
      ],
    ],
  );

  it('classifies a chat with a model the server does not have as model_missing', async () => {
    const { server, provider } = await start();
    const { error } = await collectFailure(streamOf(provider, { model: 'gpt-5' }));
    expect(describeError(error)).toEqual({
      name: 'ProviderError',
      kind: 'model_missing',
      message: `${at(server)} has no model 'gpt-5' (The model \`gpt-5\` does not exist or you do not have access to it.)`,
      hint: `use a model that GET ${server.url}/v1/models lists`,
      retryAfterMs: undefined,
    });
  });
});

describe('openai check', () => {
  it.each([
    ['vLLM (max_model_len, no per-model route)', { id: model, max_model_len: 32768 }, false, 32768, true],
    ['LM Studio (context_length)', { id: model, context_length: 16384 }, true, 16384, true],
    [
      'llama.cpp (meta.n_ctx_train)',
      { id: model, meta: { n_vocab: 152064, n_ctx_train: 131072 } },
      false,
      131072,
      true,
    ],
    [
      'the Hugging Face router (per inference provider)',
      {
        id: model,
        providers: [
          { provider: 'together', status: 'live', context_length: 32768, supports_tools: false },
          { provider: 'nebius', status: 'live', context_length: 131072, supports_tools: false },
        ],
      },
      false,
      32768,
      false,
    ],
    ['a server that says nothing', { id: model }, true, 8192, true],
  ])('reads the context length %s', async (_label, entry, modelRoute, contextLength, supportsTools) => {
    const { provider } = await start({ models: [entry], modelRoute });
    expect(await provider.check(model)).toEqual({ contextLength, supportsTools });
  });

  it('says which server lacks the model', async () => {
    const { server, provider } = await start({ modelRoute: false });
    expect(describeError(await failureOf(provider.check('llama-3.1-8b')))).toEqual({
      name: 'ProviderError',
      kind: 'model_missing',
      message: `${at(server)} has no model 'llama-3.1-8b' (not among the models it lists)`,
      hint: `use a model that GET ${server.url}/v1/models lists`,
      retryAfterMs: undefined,
    });
  });

  it('says to set the key when the server refuses it', async () => {
    const { server, provider } = await start({ apiKey: 'sk-right' });
    expect(describeError(await failureOf(provider.check(model)))).toEqual({
      name: 'ProviderError',
      kind: 'auth',
      message: `${at(server)} answered 401: Incorrect API key provided.`,
      hint: 'set OPENAI_API_KEY to a valid key',
      retryAfterMs: undefined,
    });
  });

  it('says to start the server when nothing listens', async () => {
    const port = await closedPort();
    const provider = createOpenAIProvider({ baseURL: `http://127.0.0.1:${port}/v1` });
    expect(describeError(await failureOf(provider.check(model)))).toEqual({
      name: 'ProviderError',
      kind: 'unavailable',
      message: `the OpenAI-compatible server at http://127.0.0.1:${port}/v1 is not answering (connect ECONNREFUSED 127.0.0.1:${port})`,
      hint: `start the server at http://127.0.0.1:${port}/v1, or set OPENAI_BASE_URL to where it listens`,
      retryAfterMs: undefined,
    });
  });
});

function at(fake: FakeServer) {
  return `the OpenAI-compatible server at ${fake.url}/v1`;
}
