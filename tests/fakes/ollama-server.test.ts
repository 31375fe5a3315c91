// The fake Ollama answers the real `ollama` client on the endpoints the provider does not stream:
// a whole reply when `stream:false`, and the model listings.
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from './http-fake';
import { startOllamaServer } from './ollama-server';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fake ollama', () => {
  it('answers stream:false with one done object holding the whole message', async () => {
    server = await startOllamaServer({
      turns: [
        {
          text: ['Hel', 'lo'],
          toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }],
          usage: { input: 7, output: 3 },
        },
      ],
    });
    const client = new Ollama({ host: server.url });
    const reply = await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply).toMatchObject({
      model: 'qwen2.5-coder:7b',
      message: {
        role: 'assistant',
        content: 'Hello',
        tool_calls: [{ function: { name: 'read_file', arguments: { path: 'a.txt' } } }],
      },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 7,
      eval_count: 3,
    });
  });

  it('lists its models, the loaded ones and its version', async () => {
    server = await startOllamaServer({ turns: [{ text: ['ok'] }] });
    const client = new Ollama({ host: server.url });
    expect((await client.list()).models.map((model) => model.name)).toEqual(['qwen2.5-coder:7b']);
    expect((await client.ps()).models).toEqual([]);
    await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }] });
    expect((await client.ps()).models.map((model) => model.name)).toEqual(['qwen2.5-coder:7b']);
    expect(await client.version()).toEqual({ version: '0.12.6' });
  });

  it('answers a request past the script with an error the test will see', async () => {
    server = await startOllamaServer();
    const client = new Ollama({ host: server.url });
    await expect(client.chat({ model: 'qwen2.5-coder:7b', messages: [] })).rejects.toThrow(
      'fake server: no scripted turn 1',
    );
  });
});
