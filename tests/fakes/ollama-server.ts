// A fake Ollama server speaking its native API as the real one does: /api/chat streams NDJSON chunks
// ending at the first `done:true` object (or answers once when `stream:false`), /api/show reports the
// model's architecture, context length and capabilities, /api/tags, /api/ps and /api/version list what
// is there, /api/generate with an empty prompt loads a model (unloads it with `keep_alive: 0`), and
// unknown models get Ollama's 404. Chat requests follow the test's script. Blobs are checked against their
// digest and kept (`HEAD`/`POST /api/blobs/sha256:…`), and `/api/create` streams status lines and installs
// the model when every blob it names is there (ollama-create-fake.ts).
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake, writeFrames, type CapturedRequest, type FakeServer } from './http-fake';
import { createModel, receiveBlob } from './ollama-create-fake';
import { isFailure, retryHeaders, turnQueue, type ReplyTurn, type ScriptedTurn, type Turn } from './script';

export interface FakeOllamaModel {
  name: string;
  architecture: string;
  contextLength: number;
  capabilities: readonly string[];
}

export interface FakeOllamaOptions {
  models?: readonly FakeOllamaModel[];
  turns?: readonly ScriptedTurn[];
  /** Models `/api/pull` can fetch (then installed); any other name fails as a missing manifest. */
  library?: readonly FakeOllamaModel[];
  /** Delay between pull progress lines. */
  pullDelayMs?: number;
  /** Decides each chat reply from the request instead of a fixed script (a model that reads the conversation). */
  reply?: (body: Record<string, unknown>) => Turn;
  /** Models already loaded when the server starts, with the GPU memory each holds (0: on the CPU). */
  loaded?: readonly { name: string; sizeVram: number }[];
  /**
   * How many more /api/ps answers list a model after `keep_alive: 0` (Ollama answers the unload before
   * the memory is free); Infinity for one that never goes.
   */
  unloadLingers?: number;
}

export const defaultOllamaModel: FakeOllamaModel = {
  name: 'qwen2.5-coder:7b',
  architecture: 'qwen2',
  contextLength: 32768,
  capabilities: ['completion', 'tools', 'insert'],
};

/** A second local model with tools and a long window. */
export const llamaOllamaModel: FakeOllamaModel = {
  name: 'llama3.2:3b',
  architecture: 'llama',
  contextLength: 131072,
  capabilities: ['completion', 'tools'],
};

const digest = 'dae161e27b0e90dd1856c8bb3209201fd6736d8eb66298e75ed87571486f4364';
const createdAt = '2026-11-26T10:00:00.000000000Z';
const defaultVram = 4_683_087_332;

export async function startOllamaServer(options: FakeOllamaOptions = {}): Promise<FakeServer> {
  const models = [...(options.models ?? [defaultOllamaModel])];
  const queue = turnQueue(options.turns ?? []);
  const nextTurn = (request: CapturedRequest): Turn =>
    options.reply === undefined ? queue(request) : options.reply((request.body ?? {}) as Record<string, unknown>);
  /** Loaded models and the GPU memory each holds. */
  const loaded = new Map<string, number>((options.loaded ?? []).map((model) => [model.name, model.sizeVram]));
  /** Unloaded models still listed, with the /api/ps answers left before they go. */
  const lingering = new Map<string, number>();
  const find = (name: unknown) =>
    models.find((model) => model.name === name || (typeof name === 'string' && model.name === `${name}:latest`));

  const blobs = new Map<string, number>();

  return startHttpFake(async (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (request.path.startsWith('/api/blobs/')) return receiveBlob(request, response, blobs);
    switch (`${request.method} ${request.path}`) {
      case 'GET /api/version':
        return sendJson(response, 200, { version: '0.12.6' });
      case 'GET /api/tags':
        return sendJson(response, 200, { models: models.map((model) => listing(model)) });
      case 'GET /api/ps': {
        const listed = models.filter((model) => loaded.has(model.name));
        for (const [name, left] of lingering) {
          if (left <= 0) {
            lingering.delete(name);
            loaded.delete(name);
          } else lingering.set(name, left - 1);
        }
        return sendJson(response, 200, { models: listed.map((model) => running(model, loaded.get(model.name) ?? 0)) });
      }
      case 'POST /api/show': {
        const model = find(body.model);
        if (!model) return sendJson(response, 404, { error: `model '${String(body.model)}' not found` });
        return sendJson(response, 200, show(model));
      }
      case 'POST /api/chat': {
        const model = find(body.model);
        if (!model) {
          return sendJson(response, 404, { error: `model "${String(body.model)}" not found, try pulling it first` });
        }
        loaded.set(model.name, loaded.get(model.name) ?? defaultVram);
        return chat(request, response, model.name, nextTurn(request));
      }
      case 'POST /api/pull': {
        // The client sends `name`; Ollama takes `model` too.
        const asked = String(body.model ?? body.name);
        const wanted = options.library?.find((model) => model.name === asked || model.name === `${asked}:latest`);
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const frames = wanted === undefined ? missingPull() : pullFrames();
        await writeFrames(
          response,
          frames.map((frame) => `${JSON.stringify(frame)}\n`),
          { delayMs: options.pullDelayMs },
        );
        if (wanted !== undefined && find(wanted.name) === undefined) models.push(wanted);
        return;
      }
      case 'POST /api/create':
        return createModel(body, response, { blobs, models, find, delayMs: options.pullDelayMs });
      case 'POST /api/generate': {
        const model = find(body.model);
        if (!model) return sendJson(response, 404, { error: `model '${String(body.model)}' not found` });
        const keep = generate(response, model.name, body, loaded);
        if (keep !== undefined && (options.unloadLingers ?? 0) > 0) {
          loaded.set(model.name, keep);
          lingering.set(model.name, (options.unloadLingers ?? 0) - 1);
        } else if (keep === undefined) lingering.delete(model.name);
        return;
      }
      default:
        return sendJson(response, 404, { error: '404 page not found' });
    }
  });
}

/** Ollama's pull stream: the manifest, one layer in growing parts, verification, success. */
function pullFrames(): Record<string, unknown>[] {
  const total = 4_683_075_271;
  const layer = `sha256:${digest}`;
  return [
    { status: 'pulling manifest' },
    ...[0, 0.25, 0.5, 0.75, 1].map((part) => ({
      status: `pulling ${digest.slice(0, 12)}`,
      digest: layer,
      total,
      completed: Math.round(total * part),
    })),
    { status: 'verifying sha256 digest' },
    { status: 'writing manifest' },
    { status: 'success' },
  ];
}

function missingPull(): Record<string, unknown>[] {
  return [{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }];
}

async function chat(request: CapturedRequest, response: ServerResponse, model: string, turn: Turn) {
  if (isFailure(turn)) return sendJson(response, turn.status, { error: turn.message }, retryHeaders(turn));
  await turn.holdUntil;
  const chunks = replyChunks(model, turn);
  const body = request.body as { stream?: boolean };
  if (body.stream === false) return sendJson(response, 200, merge(chunks));
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  await writeFrames(
    response,
    chunks.map((chunk) => `${JSON.stringify(chunk)}\n`),
    {
      delayMs: turn.delayMs,
      cutAfter: turn.cutAfter,
      stallAfter: turn.stallAfter,
      repeat:
        turn.endless === undefined
          ? undefined
          : { after: (turn.text ?? []).length, frame: endlessFrame(model, turn.endless) },
      errorFrame: turn.errorAfter && {
        after: turn.errorAfter.chunks,
        frame: `${JSON.stringify({ error: turn.errorAfter.message })}\n`,
      },
    },
  );
}

function endlessFrame(model: string, text: string): string {
  return `${JSON.stringify({ model, created_at: createdAt, message: { role: 'assistant', content: text }, done: false })}\n`;
}

type Chunk = Record<string, unknown> & {
  message: { role: string; content: string; thinking?: string; tool_calls?: unknown[] };
};

function replyChunks(model: string, turn: ReplyTurn): Chunk[] {
  const base = (message: Chunk['message']): Chunk => ({ model, created_at: createdAt, message, done: false });
  const chunks = [
    ...(turn.thinking ?? []).map((thinking) => base({ role: 'assistant', content: '', thinking })),
    ...(turn.text ?? []).map((text) => base({ role: 'assistant', content: text })),
  ];
  for (const call of turn.toolCalls ?? []) {
    chunks.push(
      base({
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: call.name, arguments: call.rawArguments ?? call.arguments } }],
      }),
    );
  }
  chunks.push({
    ...base({ role: 'assistant', content: '' }),
    done: true,
    done_reason: turn.stop ?? 'stop',
    total_duration: 1_830_000_000,
    load_duration: 21_000_000,
    prompt_eval_count: turn.usage?.input ?? 0,
    prompt_eval_duration: 240_000_000,
    eval_count: turn.usage?.output ?? 0,
    eval_duration: 1_560_000_000,
  });
  return chunks;
}

function merge(chunks: readonly Chunk[]): Chunk {
  const last = chunks[chunks.length - 1]!;
  const toolCalls = chunks.flatMap((chunk) => chunk.message.tool_calls ?? []);
  const message: Chunk['message'] = {
    role: 'assistant',
    content: chunks.map((chunk) => chunk.message.content).join(''),
  };
  const thinking = chunks.map((chunk) => chunk.message.thinking ?? '').join('');
  if (thinking !== '') message.thinking = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { ...last, message };
}

function details(model: FakeOllamaModel) {
  return {
    parent_model: '',
    format: 'gguf',
    family: model.architecture,
    families: [model.architecture],
    parameter_size: '7.6B',
    quantization_level: 'Q4_K_M',
  };
}

function listing(model: FakeOllamaModel) {
  return {
    name: model.name,
    model: model.name,
    modified_at: createdAt,
    size: 4_683_087_332,
    digest,
    details: details(model),
  };
}

function running(model: FakeOllamaModel, sizeVram: number) {
  return {
    ...listing(model),
    expires_at: '2026-11-26T10:05:00.000000000Z',
    size_vram: sizeVram,
    context_length: 4096,
  };
}

/**
 * Only what Looplab uses of /api/generate: an empty prompt loads the model (or, with `keep_alive: 0`,
 * unloads it) and answers one done object, as Ollama does.
 */
function generate(
  response: ServerResponse,
  model: string,
  body: Record<string, unknown>,
  loaded: Map<string, number>,
): number | undefined {
  if (body.prompt !== undefined && body.prompt !== '') {
    sendJson(response, 500, { error: 'fake server: only empty prompts (load, unload) are scripted' });
    return undefined;
  }
  const unload = body.keep_alive === 0 || body.keep_alive === '0';
  const held = loaded.get(model);
  if (unload) loaded.delete(model);
  else loaded.set(model, loaded.get(model) ?? defaultVram);
  sendJson(response, 200, {
    model,
    created_at: createdAt,
    response: '',
    done: true,
    done_reason: unload ? 'unload' : 'load',
  });
  // The memory an unloaded model held, for a server whose unload lingers.
  return unload ? held : undefined;
}

function show(model: FakeOllamaModel) {
  const arch = model.architecture;
  return {
    license: 'Apache License 2.0',
    modelfile: `# Modelfile generated by "ollama show"\nFROM /root/.ollama/models/blobs/sha256-${digest}\n`,
    parameters: 'stop                           "<|im_start|>"\nstop                           "<|im_end|>"',
    template: model.capabilities.includes('tools')
      ? '{{- if .Tools }}<tools>{{ range .Tools }}{{ . }}{{ end }}</tools>{{ end }}{{ .Prompt }}'
      : '{{ .Prompt }}',
    details: details(model),
    model_info: {
      'general.architecture': arch,
      'general.basename': model.name.split(':')[0],
      'general.file_type': 15,
      'general.parameter_count': 7_615_616_512,
      'general.quantization_version': 2,
      [`${arch}.attention.head_count`]: 28,
      [`${arch}.block_count`]: 28,
      [`${arch}.context_length`]: model.contextLength,
      [`${arch}.embedding_length`]: 3584,
      'tokenizer.ggml.model': 'gpt2',
    },
    capabilities: model.capabilities,
    modified_at: createdAt,
  };
}
