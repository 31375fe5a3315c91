// `looplab models import` as a person types it, against the fake Ollama through the real `ollama` client:
// a LoRA adapter folder a run wrote (adapter_config.json and a small adapter_model.safetensors made here)
// becomes a model on top of the Ollama base its config names, with progress; merged weights become a
// model of their own; and the errors a person meets say what to do: no such run or folder, a path out of
// the workspace or through a link, a folder that is neither, a base Ollama lacks, a name taken, Ollama down.
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/open-store';
import { closedPort } from './fakes/collect';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import { recordSampleRun } from './fixtures/sample-run';
import { safetensors, writeAdapter } from './fixtures/adapter-folder';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const llamaBase = { name: 'llama3.2:1b', architecture: 'llama', contextLength: 131072, capabilities: ['completion'] };

const sha = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let home: TempHome;
let server: FakeServer | undefined;
let runId: string;
let workspace: string;

beforeEach(() => {
  home = makeTempHome();
  const { store, close } = openStore(home.paths);
  runId = recordSampleRun(store);
  close();
  workspace = join(home.paths.workspaces, runId);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
});

const importCli = (args: readonly string[], host: string) =>
  runCli(['models', 'import', ...args, '--home', home.paths.root], { env: { OLLAMA_HOST: host } });

describe('looplab models import', () => {
  it('creates a model from a LoRA adapter on the Ollama base its config names, with progress', async () => {
    const weights = writeAdapter(join(workspace, 'outputs', 'adapter'));
    server = await startOllamaServer({ models: [llamaBase] });
    const made = await importCli([runId, 'outputs/adapter', '--name', 'tickets-lora'], server.url);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('uploading adapter_model.safetensors');
    expect(made.stdout).toContain('converting adapter\n');
    expect(made.stdout).toContain('Created tickets-lora. Use it with --model ollama/tickets-lora\n');
    const create = server.requests.find((request) => request.path === '/api/create');
    expect(create?.body).toMatchObject({
      model: 'tickets-lora',
      from: 'llama3.2:1b',
      adapters: { 'adapter_model.safetensors': sha(weights) },
      stream: true,
    });
    const listed = await runCli(['models', 'list'], { env: { OLLAMA_HOST: server.url } });
    expect(listed.stdout).toMatch(/ollama\/tickets-lora:latest /);

    // Again under the same name: refused unless --force; the blobs Ollama has are not sent twice.
    const again = await importCli([runId, 'outputs/adapter/adapter_config.json', '--name', 'tickets-lora'], server.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Ollama already has a model named tickets-lora.');
    const uploads = () =>
      server!.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/api/blobs/'));
    expect(uploads()).toHaveLength(2);
    const forced = await importCli([runId, 'outputs/adapter', '--name', 'tickets-lora', '--force'], server.url);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('adapter_model.safetensors is already in Ollama');
    expect(uploads()).toHaveLength(2);
  });

  it('creates a model of its own from merged safetensors weights', async () => {
    const folder = join(workspace, 'outputs', 'merged');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'] }));
    writeFileSync(join(folder, 'tokenizer.json'), '{}');
    writeFileSync(join(folder, 'model.safetensors'), safetensors({ 'model.embed_tokens.weight': [1, 2] }));
    writeFileSync(join(folder, 'README.md'), 'not sent');
    server = await startOllamaServer({ models: [] });
    const made = await importCli([runId, 'outputs/merged', '--name', 'tickets-merged:v1'], server.url);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('converting model\n');
    const body = server.requests.find((request) => request.path === '/api/create')?.body as Record<string, unknown>;
    expect(body.from).toBeUndefined();
    expect(Object.keys(body.files as object).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
  });

  it('says what is wrong, and what to do', async () => {
    writeAdapter(join(workspace, 'outputs', 'adapter'));
    writeAdapter(join(workspace, 'outputs', 'qwen'), 'Qwen/Qwen2.5-0.5B');
    mkdirSync(join(workspace, 'outputs', 'plots'), { recursive: true });
    writeFileSync(join(workspace, 'outputs', 'plots', 'loss.png'), 'png');
    const outside = join(home.paths.root, 'outside');
    writeAdapter(outside);
    symlinkSync(outside, join(workspace, 'outputs', 'linked'));
    server = await startOllamaServer({ models: [] });
    const failure = async (args: readonly string[], host = server!.url) => {
      const result = await importCli(args, host);
      expect(result.code).not.toBe(0);
      return result.stderr;
    };
    expect(await failure(['run_missing', 'outputs/adapter', '--name', 'x'])).toContain('There is no run run_missing.');
    expect(await failure([runId, 'outputs/nothing', '--name', 'x'])).toContain(
      "outputs/nothing is not in the run's workspace.",
    );
    expect(await failure([runId, '../../outside', '--name', 'x'])).toContain(
      'Give a folder inside the run’s workspace.',
    );
    expect(await failure([runId, 'outputs/linked', '--name', 'x'])).toMatch(/outputs\/linked: .*link/);
    expect(await failure([runId, 'outputs/plots', '--name', 'x'])).toContain(
      'outputs/plots is neither a LoRA adapter nor a safetensors model.',
    );
    expect(await failure([runId, 'outputs/plots/loss.png', '--name', 'x'])).toContain(
      'outputs/plots is neither a LoRA adapter nor a safetensors model.',
    );
    expect(await failure([runId, 'outputs/qwen', '--name', 'x'])).toContain('--base');
    expect(await failure([runId, 'outputs/adapter', '--name', 'x'])).toContain(
      'Ollama has no base model llama3.2:1b to put the adapter on',
    );
    expect(await failure([runId, 'outputs/adapter', '--name', 'bad name'])).toContain(
      'is not a model name Ollama takes',
    );
    expect(await failure([runId, 'outputs/adapter', '--name', 'x'], `http://127.0.0.1:${await closedPort()}`)).toMatch(
      /Ollama at http:\/\/127\.0\.0\.1:\d+ does not answer/,
    );
  });
});
