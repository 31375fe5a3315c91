// A data folder, a workspace and an AgentLoop over them for each test, driven by a ScriptedModel, with
// a clock whose sleeps are only counted and whose time a test can move on.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ScriptedModel } from './scripted-model';
import { makeTempHome, type TempHome } from './temp-home';
import { loopConfigSchema, type LoopConfig } from '../../src/shared/loop-config';
import { openStore, type OpenedStore } from '../../src/main/store/open-store';
import { builtinTools } from '../../src/main/tools';
import { FolderWorkspace } from '../../src/main/tools/folder-workspace';
import { AgentLoop, type LoopOutcome } from '../../src/main/core/loop';
import type { ApprovalDecision, ApprovalGate, ApprovalRequest, Clock } from '../../src/main/core/ports';
import { SYSTEM_PROMPT } from '../../src/main/core/system-prompt';
import type { defineTool } from '../../src/main/core/tool';

export interface Setup {
  model: ScriptedModel;
  gate?: ApprovalGate;
  config?: Partial<LoopConfig>;
  tools?: ReturnType<typeof defineTool>[];
  contextLength?: number;
}

export const allow: ApprovalGate = { decide: async () => ({ decision: 'approved' }) };

export function gateOf(
  decide: (request: ApprovalRequest) => ApprovalDecision,
): ApprovalGate & { asked: ApprovalRequest[] } {
  const asked: ApprovalRequest[] = [];
  return { asked, decide: async (request) => (asked.push(request), decide(request)) };
}

/** Registers the per-test data folder; what it returns is valid inside tests. */
export function useLoopSetup() {
  let home: TempHome;
  let opened: OpenedStore;
  let workspace: string;
  /** How far the clock runs ahead of the real time (ms). */
  let ahead = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => Date.now() + ahead,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };

  beforeEach(() => {
    home = makeTempHome();
    opened = openStore(home.paths);
    workspace = join(home.paths.workspaces, 'w');
    mkdirSync(workspace);
    sleeps.length = 0;
    ahead = 0;
  });

  afterEach(() => {
    opened.close();
    home.remove();
  });

  function makeLoop(
    { model, gate = allow, config = {}, tools = [...builtinTools], contextLength = 32_768 }: Setup,
    runId?: string,
  ) {
    const id =
      runId ??
      opened.store.createRun({ goal: 'Train a classifier on data.csv', model: 'scripted/test', origin: 'new' }).runId;
    const loop = new AgentLoop(
      {
        log: opened.store,
        provider: model,
        modelName: 'scripted/test',
        model: 'test',
        modelInfo: { contextLength, supportsTools: true },
        tools,
        workspace: new FolderWorkspace(workspace),
        gate,
        systemPrompt: SYSTEM_PROMPT,
        price: (usage) => (usage.inputTokens + usage.outputTokens) / 1_000_000,
        clock,
      },
      id,
      loopConfigSchema.parse(config),
    );
    return { loop, runId: id };
  }

  async function run(setup: Setup): Promise<{ outcome: LoopOutcome; runId: string; types: string[] }> {
    const { loop, runId } = makeLoop(setup);
    const outcome = await loop.run(new AbortController().signal);
    return { outcome, runId, types: opened.store.loadEvents(runId).map((event) => event.type) };
  }

  return {
    get store() {
      return opened.store;
    },
    get workspace() {
      return workspace;
    },
    sleeps,
    /** Moves the loop's clock on. */
    advance(ms: number) {
      ahead += ms;
    },
    makeLoop,
    run,
  };
}

export function toolMessages(model: ScriptedModel, request: number): string[] {
  return model.requests[request]!.messages.flatMap((message) => (message.role === 'tool' ? [message.content] : []));
}
