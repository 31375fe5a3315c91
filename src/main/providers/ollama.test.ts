// The Ollama provider through the real `ollama` client against a fake Ollama speaking /api/chat NDJSON.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ToolSpec } from '../core/model';
import { closedPort, collect, collectFailure, describeError, failureOf, streamOf } from '../../../tests/fakes/collect';
import type { FakeServer } from '../../../tests/fakes/http-fake';
import { abortCases } from '../../../tests/fakes/provider-abort';
import { failureCases } from '../../../tests/fakes/provider-failures';
import { startOllamaServer, type FakeOllamaOptions } from '../../../tests/fakes/ollama-server';
import { createOllamaProvider, resolveOllamaHost } from './ollama';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

async function start(options: FakeOllamaOptions = {}) {
  server = await startOllamaServer(options);
  return { server, provider: createOllamaProvider({ host: server.url }) };
}

const readFile: ToolSpec = {
  name: 'read_file',
  description: 'Read a file from the workspace.',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

const callId = expect.stringMatching(/^call_[A-Za-z0-9_-]{12}$/);

describe('ollama stream', () => {
  it('streams text, each tool call whole, usage and finish, with num_ctx from /api/show', async () => {
    const { server, provider } = await start({
      turns: [
        {
          text: ['Let me ', 'look.'],
          toolCalls: [
            { name: 'read_file', arguments: { path: 'data/train.csv' } },
            { name: 'read_file', arguments: { path: 'README.md', lines: [1, 20] } },
          ],
          usage: { input: 412, output: 38 },
        },
      ],
    });
    const info = await provider.check('qwen2.5-coder:7b');
    const events = await collect(
      streamOf(provider, {
        tools: [readFile],
        contextLength: info.contextLength,
        maxOutputTokens: 2048,
        temperature: 0.2,
      }),
    );
    expect(events).toEqual([
      { type: 'text', delta: 'Let me ' },
      { type: 'text', delta: 'look.' },
      { type: 'tool_call', call: { id: callId, name: 'read_file', arguments: '{"path":"data/train.csv"}' } },
      { type: 'tool_call', call: { id: callId, name: 'read_file', arguments: '{"path":"README.md","lines":[1,20]}' } },
      { type: 'usage', inputTokens: 412, outputTokens: 38 },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    const chat = server.requests.find((one) => one.path === '/api/chat');
    expect(chat?.body).toEqual({
      model: 'qwen2.5-coder:7b',
      messages: [{ role: 'user', content: 'hello' }],
      tools: [{ type: 'function', function: readFile }],
      stream: true,
      options: { num_ctx: 32768, num_predict: 2048, temperature: 0.2 },
    });
  });

  it('sends the conversation back in Ollama’s own shape: tool_calls as objects, results with tool_name', async () => {
    const { server, provider } = await start({ turns: [{ text: ['Done.'], usage: { input: 90, output: 2 } }] });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are an ML engineer.' },
      { role: 'user', content: 'Inspect the data.' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"data/train.csv"}' }],
      },
      { role: 'tool', toolCallId: 'call_1', toolName: 'read_file', content: 'text,label\nhi,1' },
    ];
    const events = await collect(streamOf(provider, { messages, tools: [readFile] }));
    expect(events).toEqual([
      { type: 'text', delta: 'Done.' },
      { type: 'usage', inputTokens: 90, outputTokens: 2 },
      { type: 'finish', reason: 'stop' },
    ]);
    expect((server.requests[0]?.body as { messages: unknown }).messages).toEqual([
      { role: 'system', content: 'You are an ML engineer.' },
      { role: 'user', content: 'Inspect the data.' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'read_file', arguments: { path: 'data/train.csv' } } }],
      },
      { role: 'tool', content: 'text,label\nhi,1', tool_name: 'read_file' },
    ]);
  });

  it('reports a cut at the output limit as length, and sends no num_ctx when none was asked', async () => {
    const { server, provider } = await start({
      turns: [{ text: ['Once upon'], stop: 'length', usage: { input: 5, output: 2 } }],
    });
    expect(await collect(streamOf(provider))).toEqual([
      { type: 'text', delta: 'Once upon' },
      { type: 'usage', inputTokens: 5, outputTokens: 2 },
      { type: 'finish', reason: 'length' },
    ]);
    expect((server.requests[0]?.body as { options: unknown }).options).toEqual({});
  });

  it('still completes when the server is slow between chunks', async () => {
    const { provider } = await start({
      turns: [{ text: ['a', 'b', 'c'], delayMs: 120, usage: { input: 3, output: 3 } }],
    });
    const started = Date.now();
    expect(await collect(streamOf(provider))).toEqual([
      { type: 'text', delta: 'a' },
      { type: 'text', delta: 'b' },
      { type: 'text', delta: 'c' },
      { type: 'usage', inputTokens: 3, outputTokens: 3 },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 110);
  });
});

describe('ollama abort', () => {
  abortCases({ start, chunksToFirstText: 1 });
});

describe('ollama errors', () => {
  failureCases(
    {
      start,
      at: (fake) => `Ollama at ${fake.url}`,
      calls: (fake) => fake.requests.filter((one) => one.path === '/api/chat'),
      cutAfter: 2,
      errorAfter: { chunks: 1, message: 'an error was encountered while running the model: unexpected EOF' },
    },
    [
      [
        'a 429 with retry-after',
        { status: 429, message: 'too many concurrent requests', retryAfter: '3' },
        {
          kind: 'rate_limited',
          said: '429: too many concurrent requests',
          hint: 'wait 3 s and retry',
          retryAfterMs: 3000,
        },
      ],
      [
        'a 500',
        { status: 500, message: 'llama runner process has terminated: signal: killed' },
        {
          kind: 'transient',
          said: '500: llama runner process has terminated: signal: killed',
        },
      ],
      [
        'a 401 from a proxy',
        { status: 401, message: 'unauthorized' },
        {
          kind: 'auth',
          said: '401: unauthorized',
          hint: 'check the credentials of the proxy in front of Ollama',
        },
      ],
      [
        'a context overflow',
        { status: 400, message: 'the input length exceeds the context length' },
        {
          kind: 'context_overflow',
          said: '400: the input length exceeds the context length',
          hint: 'the conversation no longer fits the context window: compact it or use a larger context',
        },
      ],
      [
        'a malformed request',
        { status: 400, message: 'invalid message role: robot' },
        {
          kind: 'bad_request',
          said: '400: invalid message role: robot',
        },
      ],
    ],
  );

  it('classifies chatting with a model that is not pulled as model_missing', async () => {
    const { server, provider } = await start();
    const { error } = await collectFailure(streamOf(provider, { model: 'llama3.1:8b' }));
    expect(describeError(error)).toEqual({
      name: 'ProviderError',
      kind: 'model_missing',
      message: `Ollama at ${server.url} has no model 'llama3.1:8b' (model "llama3.1:8b" not found, try pulling it first)`,
      hint: 'ollama pull llama3.1:8b',
      retryAfterMs: undefined,
    });
  });
});

describe('ollama check', () => {
  it('reads the real context length and the tools capability from /api/show', async () => {
    const { server, provider } = await start({
      models: [
        { name: 'llama3.1:8b', architecture: 'llama', contextLength: 131072, capabilities: ['completion', 'tools'] },
        { name: 'gemma2:2b', architecture: 'gemma2', contextLength: 8192, capabilities: ['completion'] },
      ],
    });
    expect(await provider.check('llama3.1:8b')).toEqual({ contextLength: 131072, supportsTools: true });
    expect(await provider.check('gemma2:2b')).toEqual({ contextLength: 8192, supportsTools: false });
    expect(server.requests.map((one) => [one.path, one.body])).toEqual([
      ['/api/show', { model: 'llama3.1:8b' }],
      ['/api/show', { model: 'gemma2:2b' }],
    ]);
  });

  it('says how to pull a model that is missing', async () => {
    const { server, provider } = await start();
    expect(describeError(await failureOf(provider.check('mistral:7b')))).toEqual({
      name: 'ProviderError',
      kind: 'model_missing',
      message: `Ollama at ${server.url} has no model 'mistral:7b' (model 'mistral:7b' not found)`,
      hint: 'ollama pull mistral:7b',
      retryAfterMs: undefined,
    });
  });

  it('says that the port is the problem when fetch refuses it (6000, 1)', async () => {
    for (const port of [6000, 1]) {
      const provider = createOllamaProvider({ host: `127.0.0.1:${port}` });
      expect(describeError(await failureOf(provider.check('qwen2.5-coder:7b')))).toMatchObject({
        kind: 'unavailable',
        message: `Ollama at http://127.0.0.1:${port} is on a port that fetch refuses to connect to (one of the ports the Fetch standard reserves for other protocols)`,
        hint: 'Serve the model on another port (Ollama’s default is 11434) and point the address at it.',
      });
    }
  });

  it('says how to start Ollama when nothing listens', async () => {
    const port = await closedPort();
    const provider = createOllamaProvider({ host: `127.0.0.1:${port}` });
    expect(describeError(await failureOf(provider.check('qwen2.5-coder:7b')))).toEqual({
      name: 'ProviderError',
      kind: 'unavailable',
      message: `Ollama at http://127.0.0.1:${port} is not answering (connect ECONNREFUSED 127.0.0.1:${port})`,
      hint: 'start it with `ollama serve`, or set OLLAMA_HOST',
      retryAfterMs: undefined,
    });
  });

  it('finds the server through OLLAMA_HOST by default', async () => {
    const { server } = await start();
    vi.stubEnv('OLLAMA_HOST', server.url.replace('http://', ''));
    expect(await createOllamaProvider().check('qwen2.5-coder:7b')).toEqual({
      contextLength: 32768,
      supportsTools: true,
    });
  });
});

describe('resolveOllamaHost', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['  ', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:11500', 'http://127.0.0.1:11500'],
    [':11500', 'http://127.0.0.1:11500'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    ['http://gpu-box', 'http://gpu-box'],
    ['https://ollama.example.com/', 'https://ollama.example.com'],
    ['http://10.0.0.5:11434/ollama', 'http://10.0.0.5:11434/ollama'],
    ['[::1]:11434', 'http://[::1]:11434'],
  ])('reads %j as %s', (value, expected) => {
    expect(resolveOllamaHost(value)).toBe(expected);
  });
});
