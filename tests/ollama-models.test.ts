// Managing local models through the real `ollama` client against the fake Ollama, and the `looplab models`
// command a person types: the list with context window, tool support and what is loaded; a pull with
// progress after which the model is listed; a clear error for a model that does not exist or a server that
// is down; and unloading (the probe is model-probe.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { OllamaModels, type PullProgress } from '../src/main/providers/ollama-models';
import { closedPort } from './fakes/collect';
import type { FakeServer } from './fakes/http-fake';
import { defaultOllamaModel, startOllamaServer } from './fakes/ollama-server';
import { runCli } from './helpers/cli';
import { makeTempHome } from './helpers/temp-home';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const llama = {
  name: 'llama3.2:3b',
  architecture: 'llama',
  contextLength: 131072,
  capabilities: ['completion', 'tools'],
};
const embed = {
  name: 'nomic-embed-text:latest',
  architecture: 'nomic-bert',
  contextLength: 2048,
  capabilities: ['embedding'],
};

describe('local Ollama models', () => {
  it('lists each model with its context window, tool support and what is loaded', async () => {
    server = await startOllamaServer({
      models: [defaultOllamaModel, embed],
      loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 }],
    });
    const list = await new OllamaModels(server.url).list();
    expect(
      list.map(({ id, contextLength, supportsTools, loadedVramBytes }) => [
        id,
        contextLength,
        supportsTools,
        loadedVramBytes,
      ]),
    ).toEqual([
      ['ollama/qwen2.5-coder:7b', 32768, true, 4_683_087_332],
      ['ollama/nomic-embed-text:latest', 2048, false, undefined],
    ]);
    const shown = await runCli(['models', 'list'], { env: { OLLAMA_HOST: server.url } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/ollama\/qwen2\.5-coder:7b +.* · 32k context · tools · loaded \(4\.4 GB GPU\)/);
    expect(shown.stdout).toMatch(/ollama\/nomic-embed-text:latest +.* · 2k context · no tools\n/);
  });

  it('pulls a model with progress, after which it is listed', async () => {
    server = await startOllamaServer({ models: [], library: [llama] });
    const ollama = new OllamaModels(server.url);
    const seen: PullProgress[] = [];
    await ollama.pull('llama3.2:3b', (progress) => seen.push(progress));
    const parts = seen
      .filter((progress) => progress.total !== undefined)
      .map((progress) => Math.round((progress.completed! / progress.total!) * 100));
    expect(parts).toEqual([0, 25, 50, 75, 100]);
    expect(seen.at(-1)?.status).toBe('success');
    expect((await ollama.list()).map((model) => model.id)).toEqual(['ollama/llama3.2:3b']);

    const home = makeTempHome();
    try {
      server.requests.length = 0;
      const pulled = await runCli(['models', 'pull', 'ollama/llama3.2:3b', '--home', home.paths.root], {
        env: { OLLAMA_HOST: server.url },
      });
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toContain('pulling manifest\n');
      expect(pulled.stdout).toContain('pulling dae161e27b0e 0% of 4.4 GB\n');
      expect(pulled.stdout).toContain('Pulled llama3.2:3b. Use it with --model ollama/llama3.2:3b\n');
      expect(server.requests.find((request) => request.path === '/api/pull')?.body).toMatchObject({
        name: 'llama3.2:3b',
        stream: true,
      });
    } finally {
      home.remove();
    }
  });

  it('says clearly when a model does not exist or Ollama is down', async () => {
    server = await startOllamaServer({ models: [], library: [llama] });
    const missing = await runCli(['models', 'pull', 'llama9:70b'], { env: { OLLAMA_HOST: server.url } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Ollama has no model named llama9:70b (pull model manifest: file does not exist)');
    expect(missing.stderr).toContain('https://ollama.com/library');
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await runCli(['models', 'list'], { env: { OLLAMA_HOST: url } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`Ollama at ${url} does not answer`);
    expect(down.stderr).toContain('ollama serve');
  });

  it('unloads a model, freeing what it held', async () => {
    server = await startOllamaServer({
      models: [defaultOllamaModel],
      loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4e9 }],
    });
    const result = await runCli(['models', 'unload', 'qwen2.5-coder:7b'], { env: { OLLAMA_HOST: server.url } });
    expect(result.stdout).toBe('Unloaded qwen2.5-coder:7b.\n');
    expect(server.requests.find((request) => request.path === '/api/generate')?.body).toMatchObject({
      model: 'qwen2.5-coder:7b',
      keep_alive: 0,
    });
    expect((await new OllamaModels(server.url).list())[0]!.loadedVramBytes).toBeUndefined();
  });
});
