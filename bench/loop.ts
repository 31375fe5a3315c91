// The loop's own cost per step: a scripted model that answers at once and a tool that does nothing,
// with every event saved durably, beside the same number of bare store appends.
import { z } from 'zod';
import type { EventDraft } from '../src/shared/events';
import { loopConfigSchema } from '../src/shared/loop-config';
import { AgentLoop } from '../src/main/core/loop';
import { systemClock } from '../src/main/core/ports';
import { defineTool } from '../src/main/core/tool';
import { openStore } from '../src/main/store/open-store';
import { FolderWorkspace } from '../src/main/tools/folder-workspace';
import { ScriptedModel } from '../tests/helpers/scripted-model';
import { makeTempHome } from '../tests/helpers/temp-home';
import { report } from './report';

const noop = defineTool({
  name: 'noop',
  description: 'does nothing',
  input: z.object({ step: z.number() }),
  risk: 'read',
  summarize: () => 'noop',
  run: async ({ step }) => ({ output: `step ${step} done` }),
});

async function loopMs(steps: number): Promise<{ ms: number; events: number }> {
  const home = makeTempHome('looplab-bench-');
  const { store, close } = openStore(home.paths);
  const turns = Array.from({ length: steps }, (_, step) => ({ calls: [{ name: 'noop', args: { step } }] }));
  const model = new ScriptedModel([...turns, { text: 'done' }]);
  const runId = store.createRun({ goal: 'bench', model: 'scripted/bench', origin: 'new' }).runId;
  const loop = new AgentLoop(
    {
      log: store,
      provider: model,
      modelName: 'scripted/bench',
      model: 'bench',
      modelInfo: { contextLength: 1_000_000, supportsTools: true },
      tools: [noop],
      workspace: new FolderWorkspace(home.paths.workspaces),
      gate: { decide: async () => ({ decision: 'approved' }) },
      systemPrompt: 'bench',
      price: () => 0,
      clock: systemClock,
    },
    runId,
    loopConfigSchema.parse({ maxSteps: steps + 10 }),
  );
  const start = performance.now();
  const outcome = await loop.run(new AbortController().signal);
  const ms = performance.now() - start;
  if (outcome.status !== 'finished') throw new Error(`bench loop ended ${outcome.status}: ${outcome.reason}`);
  const events = store.loadEvents(runId).length - 1;
  close();
  home.remove();
  return { ms, events };
}

function bareAppendsMs(count: number): number {
  const home = makeTempHome('looplab-bench-');
  const { store, close } = openStore(home.paths);
  const runId = store.createRun({ goal: 'bench', model: 'scripted/bench', origin: 'new' }).runId;
  const draft = (index: number): EventDraft => ({
    type: 'tool.finished',
    payload: { callId: `c${index}`, output: `step ${index} done`, isError: false },
  });
  const start = performance.now();
  for (let index = 0; index < count; index++) store.append(runId, [draft(index)]);
  const ms = performance.now() - start;
  close();
  home.remove();
  return ms;
}

export async function benchLoop(): Promise<void> {
  const steps = 200;
  await loopMs(20); // warm-up
  const { ms, events } = await loopMs(steps);
  const bare = bareAppendsMs(events);
  report(
    `loop overhead per step (${steps} steps, ${events} events saved)`,
    (ms - bare) / steps,
    'ms',
    {
      label: `${events} bare appends, per step`,
      value: bare / steps,
    },
    { target: '≤ 1 ms', met: (value) => value <= 1 },
  );
}
