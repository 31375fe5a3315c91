// A run's model readied with its profile from settings.json and the built-in table, against the fake
// Ollama server: the profile's context length when the run asks for none, and a model without tool
// calling accepted when its profile sends tools as text.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelResolver, readyModel } from '../src/main/runs/readiness';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let server: FakeServer;
beforeEach(async () => {
  home = makeTempHome();
  server = await startOllamaServer({
    models: [
      { name: 'gemma3:4b', architecture: 'gemma3', contextLength: 131_072, capabilities: ['completion'] },
      { name: 'qwen3:8b', architecture: 'qwen3', contextLength: 40_960, capabilities: ['completion', 'tools'] },
    ],
  });
});
afterEach(async () => {
  await server.close();
  home.remove();
});

const models = () => modelResolver(home.paths, { OLLAMA_HOST: server.url });

describe('a model readied with its profile', () => {
  it("takes the built-in profile's context length and tools as text for a model without tool calling", async () => {
    const ready = await readyModel(models(), 'ollama/gemma3:4b');
    expect(ready.info.contextLength).toBe(8192);
    expect(ready.profile).toEqual({ contextLength: 8192, temperature: 0.3, tools: 'text', compactTools: true });
    // A context length the run asks for wins over the profile's.
    expect((await readyModel(models(), 'ollama/gemma3:4b', 16_384)).info.contextLength).toBe(16_384);
  });

  it("follows the person's profile, and refuses a model without tool calling whose tools are native", async () => {
    writeFileSync(
      home.paths.settings,
      JSON.stringify({
        modelProfiles: {
          'ollama/qwen3:8b': { contextLength: 4096, think: true },
          'ollama/gemma3*': { tools: 'native' },
        },
      }),
    );
    const ready = await readyModel(models(), 'ollama/qwen3:8b');
    expect(ready.info.contextLength).toBe(4096);
    expect(ready.profile).toMatchObject({ think: true, temperature: 0.7 });
    await expect(readyModel(models(), 'ollama/gemma3:4b')).rejects.toThrow('cannot call tools');
  });
});
