// Replay's own cost per step: a 200-step recording played back (recorded turns, every tool result
// compared with the recording) with a tool that does nothing, beside the same loop driven by a
// scripted in-memory model, both saving every event durably.
import { z } from 'zod';
import { loopConfigSchema } from '../src/shared/loop-config';
import { AgentLoop, type LoopDeps } from '../src/main/core/loop';
import { systemClock } from '../src/main/core/ports';
import { readRecording, REPLAY_MODEL_INFO, replayCheck, replayGate, ReplayModel } from '../src/main/core/replay';
import { defineTool } from '../src/main/core/tool';
import { openStore, type OpenedStore } from '../src/main/store/open-store';
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

const allow = { decide: async () => ({ decision: 'approved' as const }) };

function deps(store: OpenedStore['store'], workspace: string, provider: LoopDeps['provider']): LoopDeps {
  return {
    log: store,
    provider,
    modelName: 'scripted/bench',
    model: 'bench',
    modelInfo: { contextLength: 1_000_000, supportsTools: true },
    tools: [noop],
    workspace: new FolderWorkspace(workspace),
    gate: allow,
    systemPrompt: 'bench',
    price: () => 0,
    clock: systemClock,
  };
}

async function timed(loop: AgentLoop): Promise<number> {
  const start = performance.now();
  const outcome = await loop.run(new AbortController().signal);
  if (outcome.status !== 'finished') throw new Error(`bench loop ended ${outcome.status}: ${outcome.reason}`);
  return performance.now() - start;
}

/** Records a run with the scripted model (timed: the baseline), then replays it (timed). */
async function measure(steps: number): Promise<{ scriptedMs: number; replayMs: number }> {
  const home = makeTempHome('looplab-bench-');
  const { store, close } = openStore(home.paths);
  const config = loopConfigSchema.parse({ maxSteps: steps + 10 });
  const turns = Array.from({ length: steps }, (_, step) => ({ calls: [{ name: 'noop', args: { step } }] }));
  const source = store.createRun({ goal: 'bench', model: 'scripted/bench', origin: 'new', config }).runId;
  const model = new ScriptedModel([...turns, { text: 'done' }]);
  const scriptedMs = await timed(new AgentLoop(deps(store, home.paths.workspaces, model), source, config));

  const start = performance.now();
  const recording = readRecording(store.loadEvents(source));
  const replay = store.createRun({
    goal: 'bench',
    model: 'scripted/bench',
    origin: 'replay',
    parent: { runId: source, seq: 0 },
    config,
  }).runId;
  const replayModel = new ReplayModel(recording);
  const state = {};
  const loop = new AgentLoop(
    {
      ...deps(store, home.paths.workspaces, replayModel),
      modelInfo: REPLAY_MODEL_INFO,
      gate: replayGate(recording, allow, { model: replayModel, state, trustEdits: true }),
      price: () => replayModel.lastCost(),
      check: replayCheck(recording, replayModel, 'stop', state),
    },
    replay,
    config,
  );
  await timed(loop);
  const replayMs = performance.now() - start;
  if (store.loadEvents(replay).some((event) => event.type === 'replay.diverged'))
    throw new Error('the bench replay diverged');
  close();
  home.remove();
  return { scriptedMs, replayMs };
}

export async function benchReplay(): Promise<void> {
  const steps = 200;
  await measure(20); // warm-up
  const { scriptedMs, replayMs } = await measure(steps);
  report(
    `replay per step (${steps}-step recording, in-process tool, every result compared)`,
    replayMs / steps,
    'ms',
    { label: 'the same loop with a scripted in-memory model, per step', value: scriptedMs / steps },
    { target: '≤ 1.5× the scripted loop', met: (value) => value <= 1.5 * (scriptedMs / steps) },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReplay();
