// What a model or its server may send that is wrong, through the real loop and the real `openai` and
// `ollama` clients against fake servers on 127.0.0.1: broken tool-call JSON, wrong argument types, unknown
// tools, a megabyte of arguments, endless text, a server that goes silent, errors, a cut stream, and a
// server that speaks another protocol. Each gives a clear recorded error; the run either goes on or
// stops with its reason; what was saved before stays saved. (Rate limits, 5xx, 401, a server that is
// down and errors mid-stream are in tests/provider-loop.test.ts; malformed calls from a scripted model
// in tests/agent-loop.test.ts.)
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/shared/events';
import { loopConfigSchema } from '../../src/shared/loop-config';
import { AgentLoop, type LoopOutcome } from '../../src/main/core/loop';
import type { ModelProvider } from '../../src/main/core/model';
import type { Clock } from '../../src/main/core/ports';
import { SYSTEM_PROMPT } from '../../src/main/core/system-prompt';
import { createOllamaProvider } from '../../src/main/providers/ollama';
import { createOpenAIProvider } from '../../src/main/providers/openai';
import { openStore, type OpenedStore } from '../../src/main/store/open-store';
import { builtinTools } from '../../src/main/tools';
import { FolderWorkspace } from '../../src/main/tools/folder-workspace';
import { sendJson, startHttpFake, type FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { startOpenAIServer } from '../fakes/openai-server';
import type { ReplyTurn, Turn } from '../fakes/script';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let home: TempHome;
let opened: OpenedStore;
let server: FakeServer | undefined;
const sleeps: number[] = [];
const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) };

beforeEach(() => {
  home = makeTempHome();
  opened = openStore(home.paths);
  sleeps.length = 0;
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  opened.close();
  home.remove();
});

interface Ran {
  outcome: LoopOutcome;
  events: RunEvent[];
  /** What the model read back from each tool call, in order. */
  results: string[];
  /** The errors recorded on model calls, in order. */
  modelErrors: string[];
  folder: string;
}

async function runWith(provider: ModelProvider, model: string, options: { modelIdleMs?: number } = {}): Promise<Ran> {
  const runId = opened.store.createRun({
    goal: 'Write notes.md',
    model: `${provider.id}/${model}`,
    origin: 'new',
  }).runId;
  const folder = join(home.paths.workspaces, runId);
  mkdirSync(folder);
  const loop = new AgentLoop(
    {
      log: opened.store,
      provider,
      modelName: `${provider.id}/${model}`,
      model,
      modelInfo: { contextLength: 1_000_000, supportsTools: true },
      tools: builtinTools,
      workspace: new FolderWorkspace(folder),
      gate: { decide: async () => ({ decision: 'approved' }) },
      systemPrompt: SYSTEM_PROMPT,
      price: () => 0,
      clock,
      ...options,
    },
    runId,
    loopConfigSchema.parse({}),
  );
  const outcome = await loop.run(new AbortController().signal);
  const events = opened.store.loadEvents(runId);
  const results = events.flatMap((event) =>
    event.type === 'tool.finished' && typeof event.payload.output === 'string' ? [event.payload.output] : [],
  );
  const modelErrors = events.flatMap((event) =>
    event.type === 'model.finished' && typeof event.payload.error === 'string' ? [event.payload.error] : [],
  );
  return { outcome, events, results, modelErrors, folder };
}

const writeNotes: ReplyTurn = {
  toolCalls: [{ name: 'write', arguments: { path: 'notes.md', content: '# Notes\n' } }],
  usage: { input: 120, output: 30 },
};
const done: ReplyTurn = { text: ['Done.'], usage: { input: 200, output: 8 } };
const NOTES_WRITTEN = 'Wrote notes.md (8 bytes, 2 lines).';

/** The first step's work is on disk and in the record, whatever came after. */
function expectSaved(ran: Ran): void {
  expect(readFileSync(join(ran.folder, 'notes.md'), 'utf8')).toBe('# Notes\n');
  expect(ran.results[0]).toBe(NOTES_WRITTEN);
  expect(ran.events[0]?.type).toBe('run.created');
  expect(opened.store.getRun(ran.events[0]!.runId)?.status).toBe(ran.outcome.status);
}

const openai = async (turns: Turn[]) => {
  server = await startOpenAIServer({ turns });
  return createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: 'sk-test' });
};
const ollama = async (turns: Turn[]) => {
  server = await startOllamaServer({ turns });
  return createOllamaProvider({ host: server.url });
};

describe('bad tool calls from the model, over the wire', () => {
  it('answers broken JSON arguments (OpenAI stream) with an error the model can act on, and goes on', async () => {
    const broken = {
      toolCalls: [{ name: 'write', arguments: {}, rawArguments: '{"path": "x.md", "content": "unfinished' }],
    };
    const ran = await runWith(await openai([writeNotes, broken, done]), 'gpt-4o-mini');
    expect(ran.outcome).toEqual({ status: 'finished', reason: null });
    expect(ran.results).toEqual([
      NOTES_WRITTEN,
      'Could not read the arguments of write: they are not valid JSON. Send the arguments as one JSON object.',
    ]);
    expect(existsSync(join(ran.folder, 'x.md'))).toBe(false);
    expectSaved(ran);
  });

  it('answers wrong argument types, arguments that are not an object, and unknown tools (Ollama)', async () => {
    const wrong: ReplyTurn = {
      toolCalls: [
        { name: 'write', arguments: { path: 42, content: ['a'] } },
        { name: 'bash', arguments: {}, rawArguments: 'rm -rf /' },
        { name: 'shell_exec', arguments: { cmd: 'id' } },
      ],
    };
    const ran = await runWith(await ollama([writeNotes, wrong, done]), 'qwen2.5-coder:7b');
    expect(ran.outcome).toEqual({ status: 'finished', reason: null });
    expect(ran.results).toEqual([
      NOTES_WRITTEN,
      'Invalid arguments for write: path: Invalid input: expected string, received number; content: Invalid input: expected string, received array. Fix them and call it again.',
      'Invalid arguments for bash: input: Invalid input: expected object, received string. Fix them and call it again.',
      'There is no tool named "shell_exec". The tools are: plan, read, write, edit, bash.',
    ]);
    expectSaved(ran);
  });

  it('takes a megabyte of arguments: a 1 MB file is written, a 1 MB command is refused by its bound', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const large: ReplyTurn = {
      toolCalls: [
        { name: 'write', arguments: { path: 'big.txt', content: big } },
        { name: 'bash', arguments: { command: `echo ${big}` } },
      ],
    };
    const ran = await runWith(await ollama([writeNotes, large, done]), 'qwen2.5-coder:7b');
    expect(ran.outcome).toEqual({ status: 'finished', reason: null });
    // A call that cannot run is answered at once; the valid one then runs.
    expect(ran.results.slice(1)).toEqual([
      'Invalid arguments for bash: command: Too big: expected string to have <=100000 characters. Fix them and call it again.',
      'Wrote big.txt (1048576 bytes, 1 lines).',
    ]);
    expect(readFileSync(join(ran.folder, 'big.txt'), 'utf8')).toBe(big);
    const started = ran.events.find(
      (event) => event.type === 'tool.started' && event.payload.tool === 'write' && ran.events.indexOf(event) > 5,
    );
    expect(started?.type === 'tool.started' && (started.payload.args as { content: string }).content).toBe(big);
    expectSaved(ran);
  });
});

describe('a model that never stops, a server that goes silent or breaks', () => {
  it('cuts off endless text without tool calls at its bound, hangs up, and stops the run saying why', async () => {
    const endless: ReplyTurn = { text: ['All work and no play'], endless: ' makes Jack a dull boy.'.repeat(40) };
    const ran = await runWith(await ollama([writeNotes, endless]), 'qwen2.5-coder:7b');
    expect(ran.outcome).toEqual({
      status: 'failed',
      reason:
        'ollama/qwen2.5-coder:7b wrote a reply that passed 1,000,000 characters without ending; it was cut off there. The model is repeating itself: use another model, or a server that stops at an output limit.',
    });
    expect(ran.modelErrors).toEqual([expect.stringMatching(/^ollama\/qwen2.5-coder:7b wrote a reply that passed/)]);
    // The client hung up: the server does not go on writing into a closed connection.
    await vi.waitFor(() => expect(server!.requests.at(-1)).toMatchObject({ path: '/api/chat', closedEarly: true }));
    expectSaved(ran);
  });

  it('gives up on a server that goes silent mid-reply, retries, and finishes', async () => {
    const ran = await runWith(await openai([writeNotes, { text: ['Thinking'], stallAfter: 2 }, done]), 'gpt-4o-mini', {
      modelIdleMs: 300,
    });
    expect(ran.outcome).toEqual({ status: 'finished', reason: null });
    expect(ran.modelErrors).toEqual([expect.stringMatching(/sent nothing for 0\.3 s/)]);
    expectSaved(ran);
  });

  it('retries a stream cut mid-reply (OpenAI) and finishes', async () => {
    const ran = await runWith(
      await openai([writeNotes, { text: ['Almost', ' there'], cutAfter: 2 }, done]),
      'gpt-4o-mini',
    );
    expect(ran.outcome).toEqual({ status: 'finished', reason: null });
    expect(ran.modelErrors).toHaveLength(1);
    expect(sleeps).toEqual([500]);
    expectSaved(ran);
  });
});

describe('a server that speaks another protocol', () => {
  /** A server answering every chat request with the given status, content type and body. */
  async function wrongServer(status: number, contentType: string, body: string, first: Turn[] = [writeNotes]) {
    const real = await startOpenAIServer({ turns: first });
    let served = 0;
    const fake = await startHttpFake(async (request, response) => {
      if (request.path.endsWith('/chat/completions') && served++ >= first.length) {
        response.writeHead(status, { 'content-type': contentType });
        response.end(body);
        return;
      }
      const upstream = await fetch(`${real.url}${request.path}`, {
        method: request.method,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' });
      response.end(await upstream.text());
    });
    server = { ...fake, close: async () => (await fake.close(), await real.close()) };
    return createOpenAIProvider({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test' });
  }

  const page = '<!doctype html><html><head><title>Router login</title></head><body><h1>Welcome</h1></body></html>';

  it('stops on an HTML page answered with 200, saying the server does not speak the API', async () => {
    const ran = await runWith(await wrongServer(200, 'text/html', page), 'gpt-4o-mini');
    expect(ran.outcome.status).toBe('failed');
    expect(ran.outcome.reason).toMatch(/did not answer as an OpenAI-compatible server/);
    expectSaved(ran);
  });

  it('stops on an HTML error page from a proxy (502) after retrying, naming the server', async () => {
    const ran = await runWith(await wrongServer(502, 'text/html', page), 'gpt-4o-mini');
    expect(ran.outcome.status).toBe('failed');
    expect(ran.outcome.reason).toMatch(/answered 502/);
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
    expectSaved(ran);
  });

  it('stops on JSON that is not a completion stream', async () => {
    const ran = await runWith(await wrongServer(200, 'application/json', '{"hello":"world"}'), 'gpt-4o-mini');
    expect(ran.outcome.status).toBe('failed');
    expect(ran.outcome.reason).toMatch(/did not answer as an OpenAI-compatible server/);
    expectSaved(ran);
  });

  it('stops on an Ollama address that answers with something else', async () => {
    const real = await startOllamaServer({ turns: [writeNotes] });
    let chats = 0;
    const fake = await startHttpFake(async (request, response) => {
      if (request.path === '/api/chat' && chats++ >= 1) return sendJson(response, 200, { hello: 'world' });
      const upstream = await fetch(`${real.url}${request.path}`, {
        method: request.method,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' });
      response.end(await upstream.text());
    });
    server = { ...fake, close: async () => (await fake.close(), await real.close()) };
    const ran = await runWith(createOllamaProvider({ host: fake.url }), 'qwen2.5-coder:7b');
    expect(ran.outcome.status).toBe('failed');
    expect(ran.outcome.reason).toMatch(/did not answer as Ollama/);
    expectSaved(ran);
  });
});
