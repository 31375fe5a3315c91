// Before a GPU job, the models a local Ollama holds in GPU memory are unloaded (keep_alive 0, then waiting
// until /api/ps no longer lists them) and, after the last GPU job, loaded again, also for a job adopted
// after a restart; through the real `ollama` client against the fake Ollama server. Its failures only
// become notes in the job's log.
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaGpuGuard } from '../src/main/providers/ollama-gpu';
import type { FakeServer } from './fakes/http-fake';
import { defaultOllamaModel, startOllamaServer } from './fakes/ollama-server';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const models = [
  defaultOllamaModel,
  { ...defaultOllamaModel, name: 'llama3.2:3b', architecture: 'llama' },
  { ...defaultOllamaModel, name: 'nomic-embed-text:latest', architecture: 'nomic-bert' },
];

function requestsOf(fake: FakeServer) {
  return fake.requests.map((request) =>
    request.body === undefined
      ? `${request.method} ${request.path}`
      : [`${request.method} ${request.path}`, request.body],
  );
}

describe('Ollama and GPU jobs', () => {
  it('unloads the models in GPU memory before a GPU job and loads them again after it', async () => {
    server = await startOllamaServer({
      models,
      loaded: [
        { name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 },
        { name: 'llama3.2:3b', sizeVram: 2_019_393_189 },
        { name: 'nomic-embed-text:latest', sizeVram: 0 },
      ],
    });
    const guard = createOllamaGpuGuard({ host: server.url });
    const notes: string[] = [];
    const giveBack = await guard.acquire((text) => notes.push(text));
    expect(requestsOf(server)).toEqual([
      'GET /api/ps',
      ['POST /api/generate', { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: 0, stream: false }],
      ['POST /api/generate', { model: 'llama3.2:3b', prompt: '', keep_alive: 0, stream: false }],
      'GET /api/ps',
    ]);
    const client = new Ollama({ host: server.url });
    expect((await client.ps()).models.map((model) => model.name)).toEqual(['nomic-embed-text:latest']);

    server.requests.length = 0;
    await giveBack((text) => notes.push(text));
    expect(requestsOf(server)).toEqual([
      ['POST /api/generate', { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: '5m', stream: false }],
      ['POST /api/generate', { model: 'llama3.2:3b', prompt: '', keep_alive: '5m', stream: false }],
    ]);
    expect((await client.ps()).models.map((model) => model.name).sort()).toEqual([
      'llama3.2:3b',
      'nomic-embed-text:latest',
      'qwen2.5-coder:7b',
    ]);
    expect(notes).toEqual([
      'unloaded qwen2.5-coder:7b from GPU memory for this job',
      'unloaded llama3.2:3b from GPU memory for this job',
      'loaded qwen2.5-coder:7b again',
      'loaded llama3.2:3b again',
    ]);
  });

  it('keeps the models loaded when the job said what it needs and the GPUs have that free, and not otherwise', async () => {
    server = await startOllamaServer({ loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 }] });
    const GiB = 1024 ** 3;
    const guard = createOllamaGpuGuard({ host: server.url, freeGpuBytes: async () => 20 * GiB });
    const notes: string[] = [];
    const giveBack = await guard.acquire((text) => notes.push(text), undefined, 8 * GiB);
    await giveBack((text) => notes.push(text));
    expect(requestsOf(server)).toEqual([]);
    expect(notes).toEqual(["the GPUs have 20.0 GiB free, the job needs 8.0 GiB: Ollama's models stay loaded"]);

    const tooBig = await guard.acquire((text) => notes.push(text), undefined, 30 * GiB);
    expect(requestsOf(server)).toContainEqual([
      'POST /api/generate',
      { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: 0, stream: false },
    ]);
    await tooBig(() => undefined);
    // Without the GPUs' figures, a job's word is not enough to keep them.
    server.requests.length = 0;
    const blind = createOllamaGpuGuard({ host: server.url, freeGpuBytes: async () => undefined });
    await (
      await blind.acquire(() => undefined, undefined, 1 * GiB)
    )(() => undefined);
    expect(requestsOf(server)).toContainEqual('GET /api/ps');
  });

  it('loads the models again only when the last of overlapping GPU jobs ends', async () => {
    server = await startOllamaServer({ loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 }] });
    const guard = createOllamaGpuGuard({ host: server.url });
    const first = await guard.acquire(() => undefined);
    const second = await guard.acquire(() => undefined);
    await first(() => undefined);
    await first(() => undefined); // giving back twice counts once
    const paths = () =>
      server!.requests.map(
        (request) =>
          `${request.path} ${JSON.stringify((request.body as { keep_alive?: unknown } | undefined)?.keep_alive)}`,
      );
    expect(paths()).toEqual(['/api/ps undefined', '/api/generate 0', '/api/ps undefined']);
    await second(() => undefined);
    expect(paths()).toEqual(['/api/ps undefined', '/api/generate 0', '/api/ps undefined', '/api/generate "5m"']);
  });

  it('writes failures into the job’s log and never throws', async () => {
    server = await startOllamaServer({ loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 1 }] });
    const url = server.url;
    await server.close();
    server = undefined;
    const notes: string[] = [];
    const giveBack = await createOllamaGpuGuard({ host: url }).acquire((text) => notes.push(text));
    await giveBack((text) => notes.push(text));
    expect(notes).toEqual([
      expect.stringMatching(/^could not ask Ollama which models hold GPU memory: .*fetch failed/),
    ]);

    server = await startOllamaServer({ loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 1 }] });
    notes.length = 0;
    const failing = createOllamaGpuGuard({
      host: server.url,
      fetch: (input, init) =>
        String(input).endsWith('/api/generate') ? Promise.reject(new Error('connection reset')) : fetch(input, init),
    });
    await (
      await failing.acquire((text) => notes.push(text))
    )((text) => notes.push(text));
    expect(notes).toEqual(['could not unload qwen2.5-coder:7b from GPU memory: connection reset']);
  });

  it('leaves an Ollama on another machine alone', async () => {
    const notes: string[] = [];
    const guard = createOllamaGpuGuard({
      host: 'http://gpu-box.example:11434',
      fetch: () => Promise.reject(new Error('no')),
    });
    await (
      await guard.acquire((text) => notes.push(text))
    )(() => undefined);
    expect(notes).toEqual(['Ollama at http://gpu-box.example:11434 runs on another machine: its models stay loaded']);
  });

  it('starts the job only once /api/ps no longer lists the unloaded model', async () => {
    server = await startOllamaServer({
      loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 }],
      unloadLingers: 3,
    });
    const guard = createOllamaGpuGuard({ host: server.url, pollMs: 1 });
    await guard.acquire(() => undefined);
    expect(requestsOf(server).map((request) => (typeof request === 'string' ? request : request[0]))).toEqual([
      'GET /api/ps',
      'POST /api/generate',
      'GET /api/ps',
      'GET /api/ps',
      'GET /api/ps',
      'GET /api/ps',
    ]);
    expect((await new Ollama({ host: server.url }).ps()).models).toEqual([]);
  });

  it('gives up waiting after its bound and says so in the job’s log', async () => {
    server = await startOllamaServer({
      loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 4_683_087_332 }],
      unloadLingers: Infinity,
    });
    const notes: string[] = [];
    const guard = createOllamaGpuGuard({ host: server.url, unloadWaitMs: 20, pollMs: 5 });
    await guard.acquire((text) => notes.push(text));
    expect(notes).toEqual([
      'unloaded qwen2.5-coder:7b from GPU memory for this job',
      'qwen2.5-coder:7b still listed by Ollama after 0 s; the job starts anyway',
    ]);
  });

  it('reads the address settings give when a GPU job starts, not only OLLAMA_HOST', async () => {
    server = await startOllamaServer({ loaded: [{ name: 'qwen2.5-coder:7b', sizeVram: 1 }] });
    let setting: string | undefined = 'http://127.0.0.1:9';
    const guard = createOllamaGpuGuard({ host: () => setting });
    const notes: string[] = [];
    await (
      await guard.acquire((text) => notes.push(text))
    )(() => undefined);
    expect(notes).toEqual([expect.stringMatching(/^could not ask Ollama which models hold GPU memory/)]);
    expect(server.requests).toEqual([]);
    setting = server.url;
    await guard.acquire(() => undefined);
    expect(requestsOf(server)[0]).toBe('GET /api/ps');
  });

  it('loads the models again when a GPU job adopted after a restart ends', async () => {
    // The model was unloaded for the job by the process before the restart; this one only adopts it.
    server = await startOllamaServer({ loaded: [] });
    const guard = createOllamaGpuGuard({ host: server.url });
    const notes: string[] = [];
    const adopted = await guard.acquire((text) => notes.push(text), ['qwen2.5-coder:7b']);
    expect(guard.unloaded()).toEqual(['qwen2.5-coder:7b']);
    const another = await guard.acquire(() => undefined);
    expect(server.requests).toEqual([]);
    await adopted((text) => notes.push(text));
    expect(server.requests).toEqual([]);
    await another((text) => notes.push(text));
    expect(requestsOf(server)).toEqual([
      ['POST /api/generate', { model: 'qwen2.5-coder:7b', prompt: '', keep_alive: '5m', stream: false }],
    ]);
    expect(notes).toEqual(['loaded qwen2.5-coder:7b again']);
  });
});
