// A run of the agent loop through a real client (`ollama` or `openai`) against its fake server, the
// server scripted turn by turn; gives back the run's events, the chat requests the server received and
// the run's workspace folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { AgentLoop, type LoopOutcome } from '../../src/main/core/loop';
import type { ModelProvider } from '../../src/main/core/model';
import { SYSTEM_PROMPT } from '../../src/main/core/system-prompt';
import { createOllamaProvider } from '../../src/main/providers/ollama';
import { createOpenAIProvider } from '../../src/main/providers/openai';
import { openStore, type OpenedStore } from '../../src/main/store/open-store';
import { builtinTools } from '../../src/main/tools';
import { FolderWorkspace } from '../../src/main/tools/folder-workspace';
import type { RunEvent } from '../../src/shared/events';
import type { ModelProfile } from '../../src/shared/model-profiles';
import { loopConfigSchema } from '../../src/shared/loop-config';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import { startOpenAIServer } from '../fakes/openai-server';
import type { Turn } from '../fakes/script';
import { makeTempHome, type TempHome } from './temp-home';

export type ClientKind = 'ollama' | 'openai';

export interface ProviderRun {
  outcome: LoopOutcome;
  events: RunEvent[];
  /** The body of each chat request, in order. */
  chats: Record<string, unknown>[];
  workspace: string;
}

const models: Record<ClientKind, string> = { ollama: 'qwen2.5-coder:7b', openai: 'gpt-4o-mini' };

/** Registers the per-test data folder and server; `run` is valid inside tests. */
export function useProviderRun(): {
  run(kind: ClientKind, turns: Turn[], profile?: ModelProfile): Promise<ProviderRun>;
} {
  let home: TempHome;
  let opened: OpenedStore;
  let server: FakeServer | undefined;
  beforeEach(() => {
    home = makeTempHome();
    opened = openStore(home.paths);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    opened.close();
    home.remove();
  });
  return {
    async run(kind, turns, profile) {
      server = kind === 'ollama' ? await startOllamaServer({ turns }) : await startOpenAIServer({ turns });
      const provider =
        kind === 'ollama'
          ? createOllamaProvider({ host: server.url })
          : createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: 'sk-test' });
      const result = await runLoop(opened, home, { provider, model: models[kind], profile });
      const chats = server.requests
        .filter((request) => request.method === 'POST' && /\/(api\/chat|chat\/completions)$/.test(request.path))
        .map((request) => request.body as Record<string, unknown>);
      return { ...result, chats };
    },
  };
}

async function runLoop(
  opened: OpenedStore,
  home: TempHome,
  { provider, model, profile }: { provider: ModelProvider; model: string; profile: ModelProfile | undefined },
) {
  const modelName = `${provider.id}/${model}`;
  const runId = opened.store.createRun({ goal: 'Write notes.md', model: modelName, origin: 'new' }).runId;
  const workspace = join(home.paths.workspaces, runId);
  mkdirSync(workspace);
  const loop = new AgentLoop(
    {
      log: opened.store,
      provider,
      modelName,
      model,
      modelInfo: { contextLength: 32_768, supportsTools: true },
      ...(profile === undefined ? {} : { profile }),
      tools: builtinTools,
      workspace: new FolderWorkspace(workspace),
      gate: { decide: async () => ({ decision: 'approved' }) },
      systemPrompt: SYSTEM_PROMPT,
      price: () => 0,
      clock: { now: () => Date.now(), sleep: async () => undefined },
    },
    runId,
    loopConfigSchema.parse({}),
  );
  const outcome = await loop.run(new AbortController().signal);
  return { outcome, events: opened.store.loadEvents(runId), workspace };
}
