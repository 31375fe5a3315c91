// The agent loop over real providers (the real `ollama` and `openai` clients) against fake servers on
// 127.0.0.1: rate limits, server errors, errors mid-stream, cut streams, slow replies and a server
// that is down, asserted on the whole event sequence of each run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentLoop, type LoopOutcome } from '../src/main/core/loop';
import type { ModelProvider } from '../src/main/core/model';
import type { Clock } from '../src/main/core/ports';
import { SYSTEM_PROMPT } from '../src/main/core/system-prompt';
import { createOllamaProvider } from '../src/main/providers/ollama';
import { createOpenAIProvider } from '../src/main/providers/openai';
import { openStore, type OpenedStore } from '../src/main/store/open-store';
import { builtinTools } from '../src/main/tools';
import { FolderWorkspace } from '../src/main/tools/folder-workspace';
import { loopConfigSchema } from '../src/shared/loop-config';
import { closedPort } from './fakes/collect';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import { startOpenAIServer } from './fakes/openai-server';
import type { Turn } from './fakes/script';
import { makeTempHome, type TempHome } from './helpers/temp-home';

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

async function runWith(provider: ModelProvider, model: string): Promise<{ outcome: LoopOutcome; events: string[] }> {
  const runId = opened.store.createRun({
    goal: 'Write notes.md',
    model: `${provider.id}/${model}`,
    origin: 'new',
  }).runId;
  const workspace = join(home.paths.workspaces, runId);
  mkdirSync(workspace);
  const info = await provider.check(model).catch(() => ({ contextLength: 8192, supportsTools: true }));
  const loop = new AgentLoop(
    {
      log: opened.store,
      provider,
      modelName: `${provider.id}/${model}`,
      model,
      modelInfo: info,
      tools: builtinTools,
      workspace: new FolderWorkspace(workspace),
      gate: { decide: async () => ({ decision: 'approved' }) },
      systemPrompt: SYSTEM_PROMPT,
      price: () => 0,
      clock,
    },
    runId,
    loopConfigSchema.parse({}),
  );
  const outcome = await loop.run(new AbortController().signal);
  const events = opened.store.loadEvents(runId).map((event) => {
    if (event.type === 'model.finished') return `model.finished:${event.payload.finishReason}`;
    if (event.type === 'run.status') return `status:${event.payload.status}`;
    return event.type;
  });
  return { outcome, events };
}

const writeNotes: Turn = {
  text: ['Writing notes.'],
  toolCalls: [{ name: 'write', arguments: { path: 'notes.md', content: '# Notes\n' }, id: 'call_w1' }],
  usage: { input: 120, output: 30 },
};
const done: Turn = { text: ['Notes ', 'written.'], usage: { input: 200, output: 8 } };

describe('loop over the OpenAI-compatible provider', () => {
  it('waits out a 429, retries a 500 and an error mid-stream, and finishes', async () => {
    server = await startOpenAIServer({
      turns: [
        { status: 429, message: 'Rate limit reached', retryAfter: '2' },
        { status: 500, message: 'upstream crashed' },
        writeNotes,
        { text: ['Almost'], errorAfter: { chunks: 1, message: 'worker died' } },
        done,
      ],
    });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: 'sk-test' });
    const { outcome, events } = await runWith(provider, 'gpt-4o-mini');
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(events).toEqual([
      'run.created',
      'status:running',
      'model.started',
      'model.finished:error',
      'model.started',
      'model.finished:error',
      'model.started',
      'model.finished:tool_calls',
      'tool.started',
      'tool.finished',
      'model.started',
      'model.finished:error',
      'model.started',
      'model.finished:stop',
      'status:finished',
    ]);
    expect(sleeps).toEqual([2_000, 1_000, 500]);
  });

  it('stops with the server hint on a bad key, without retrying', async () => {
    server = await startOpenAIServer({ turns: [{ status: 401, message: 'Incorrect API key provided' }] });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong' });
    const { outcome, events } = await runWith(provider, 'gpt-4o-mini');
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('OPENAI_API_KEY');
    expect(events).toEqual(['run.created', 'status:running', 'model.started', 'model.finished:error', 'status:failed']);
    expect(sleeps).toEqual([]);
  });
});

describe('loop over the Ollama provider', () => {
  it('retries a cut stream, completes a slow reply, and sends the tool result back', async () => {
    server = await startOllamaServer({
      turns: [{ text: ['Let me', ' think'], cutAfter: 1 }, writeNotes, { ...done, delayMs: 50 }],
    });
    const provider = createOllamaProvider({ host: server.url });
    const { outcome, events } = await runWith(provider, 'qwen2.5-coder:7b');
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(events).toEqual([
      'run.created',
      'status:running',
      'model.started',
      'model.finished:error',
      'model.started',
      'model.finished:tool_calls',
      'tool.started',
      'tool.finished',
      'model.started',
      'model.finished:stop',
      'status:finished',
    ]);
    const chats = server.requests.filter((request) => request.path === '/api/chat');
    const last = chats.at(-1)!.body as { messages: { role: string; content: string; tool_name?: string }[] };
    expect(last.messages.at(-1)).toEqual({
      role: 'tool',
      content: 'Wrote notes.md (8 bytes, 2 lines).',
      tool_name: 'write',
    });
  });

  it('gives up on a server that stays down, saying how to start it', async () => {
    const provider = createOllamaProvider({ host: `http://127.0.0.1:${await closedPort()}` });
    const { outcome, events } = await runWith(provider, 'qwen2.5-coder:7b');
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('ollama serve');
    expect(sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(events.filter((event) => event === 'model.started')).toHaveLength(5);
  });
});
