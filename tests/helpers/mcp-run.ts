// A run of the real loop with MCP servers, a scripted model and every approval granted, for the MCP
// tests: returns the outcome, what the model was sent, what was asked and what the run recorded.
import type { App } from '../../src/main/app';
import type { ModelRequest } from '../../src/main/core/model';
import type { ApprovalGate, ApprovalRequest } from '../../src/main/core/ports';
import { createRunLoop } from '../../src/main/runs/run-loop';
import { loopConfigSchema, type ApprovalRule, type LoopConfig, type McpServer } from '../../src/shared/loop-config';
import { ScriptedModel, type Turn, unusedModels } from './scripted-model';

export interface McpRunOptions {
  rules?: ApprovalRule[];
  budget?: LoopConfig['budget'];
  signal?: AbortSignal;
  /** Another run's recorded config to run with, instead of one made of `servers`. */
  config?: LoopConfig;
  /** Who answers (every request is still kept in `asked`); everything is approved without it. */
  gate?: ApprovalGate;
}

export async function runWithServers(app: App, servers: McpServer[], turns: Turn[], options: McpRunOptions = {}) {
  const model = new ScriptedModel(turns);
  const config =
    options.config ??
    loopConfigSchema.parse({
      runtime: 'host',
      rules: options.rules ?? [],
      mcpServers: servers,
      budget: options.budget,
    });
  const runId = app.store.createRun({
    goal: 'Use the MCP tools',
    model: 'scripted/model',
    origin: 'new',
    config,
  }).runId;
  const asked: ApprovalRequest[] = [];
  const loop = createRunLoop({
    app,
    runId,
    model: { name: 'scripted/model', provider: model, model: 'model', info: await model.check() },
    models: unusedModels,
    config,
    gate: {
      decide: async (request, signal) => {
        asked.push(request);
        return options.gate === undefined ? { decision: 'approved' } : options.gate.decide(request, signal);
      },
    },
  });
  const outcome = await loop.run(options.signal ?? new AbortController().signal);
  return { runId, outcome, model, asked, events: app.store.loadEvents(runId) };
}

/** The last tool result in a request to the model. */
export function lastToolOutput(request: ModelRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
}

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
