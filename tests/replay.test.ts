// Replay on this machine's runtime (quick, no Docker): a recorded run played back with no model
// server gives the same files and results; a changed environment is reported at the first differing
// step; on-divergence continue hands the replayed conversation to a live model.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createApp, type App } from '../src/main/app';
import { dispatch } from '../src/main/api/handlers';
import type { RunComparison } from '../src/shared/compare-runs';
import type { ExportedRun } from '../src/shared/contract';
import type { RunSummary } from '../src/shared/run-summary';
import { REDACTED } from '../src/main/core/redact';
import type { ApprovalGate } from '../src/main/core/ports';
import type { ModelResolver, ReadyModel } from '../src/main/runs/readiness';
import { divergenceOf, driveReplay, prepareReplay } from '../src/main/runs/replay';
import { createRunLoop } from '../src/main/runs/run-loop';
import { loopConfigSchema } from '../src/shared/loop-config';
import { ScriptedModel, type Turn } from './helpers/scripted-model';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let app: App;

beforeEach(() => {
  home = makeTempHome();
  app = createApp({ home: home.paths.root, ui: 'web' });
  process.env.LOOPLAB_REPLAY_PROBE = 'blue';
});

afterEach(async () => {
  await app.shutdown();
  home.remove();
  delete process.env.LOOPLAB_REPLAY_PROBE;
});

const noModels: ModelResolver = {
  resolve: () => {
    throw new Error('a replay must not resolve a model');
  },
  readiness: () => Promise.reject(new Error('a replay must not ask a model server')),
  price: () => 0,
};

const approveAll: ApprovalGate = { decide: async () => ({ decision: 'approved' }) };
const neverAsked: ApprovalGate = {
  decide: async (request) => {
    throw new Error(`the replay asked about ${request.callId}, which the recording answered`);
  },
};

function ready(model: ScriptedModel): ReadyModel {
  return {
    name: 'scripted/test',
    provider: model,
    model: 'test',
    info: { contextLength: 32_768, supportsTools: true },
  };
}

const recordedTurns: Turn[] = [
  { text: 'Writing the data.', calls: [{ name: 'write', args: { path: 'data/input.txt', content: 'a\nb\nc\n' } }] },
  { calls: [{ name: 'bash', args: { command: 'wc -l < data/input.txt; echo "probe=$LOOPLAB_REPLAY_PROBE"' } }] },
  { calls: [{ name: 'bash', args: { command: 'sort -r data/input.txt > data/sorted.txt && date -u +%FT%T' } }] },
  { text: 'Sorted the data.', usage: { inputTokens: 500, outputTokens: 7 } },
];

async function recordRun(): Promise<string> {
  const config = loopConfigSchema.parse({ runtime: 'host' });
  const runId = app.store.createRun({ goal: 'Sort the data', model: 'scripted/test', origin: 'new', config }).runId;
  const loop = createRunLoop({
    app,
    runId,
    model: ready(new ScriptedModel([...recordedTurns])),
    models: { ...noModels, price: (_name, usage) => usage.inputTokens / 1_000_000 },
    config,
    gate: approveAll,
  });
  expect(await loop.run(new AbortController().signal)).toEqual({ status: 'finished', reason: null });
  return runId;
}

function files(runId: string): Record<string, string> {
  const root = join(home.paths.workspaces, runId);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** Event types and tool results in order, without what differs by nature (ids, times). */
function shape(runId: string) {
  return app.store
    .loadEvents(runId)
    .filter((event) => event.type !== 'run.created')
    .map((event) =>
      event.type === 'tool.finished'
        ? `${event.type}:${String(event.payload.output).replace(/\d{4}-\d{2}-\d{2}T[\d:]+/, 'T')}`
        : event.type,
    );
}

async function replay(sourceRunId: string, mode: 'stop' | 'continue', live?: ScriptedModel) {
  const prepared = prepareReplay(app, sourceRunId);
  const outcome = await driveReplay({
    app,
    replay: prepared,
    mode,
    models: noModels,
    liveModel: async () => {
      if (live === undefined) throw new Error('no live model in this test');
      return ready(live);
    },
    gate: neverAsked,
    signal: new AbortController().signal,
  });
  return { runId: prepared.runId, outcome, events: app.store.loadEvents(prepared.runId) };
}

describe('replay', () => {
  it('plays a recorded run back without a model server: same results, same files, approvals re-applied', async () => {
    const source = await recordRun();
    const { runId, outcome, events } = await replay(source, 'stop');
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(events[0]!.payload).toMatchObject({ origin: 'replay', parent: { runId: source }, goal: 'Sort the data' });
    expect(shape(runId)).toEqual(shape(source));
    expect(files(runId)).toEqual(files(source));
    expect(files(runId)['data/sorted.txt']).toBe('c\nb\na\n');
    const [replayed, recorded] = [app.store.requireRun(runId), app.store.requireRun(source)];
    expect({ ...replayed, id: '', createdAt: 0, updatedAt: 0, endedAt: 0, lastSeq: 0, eventCount: 0 }).toEqual({
      ...recorded,
      id: '',
      createdAt: 0,
      updatedAt: 0,
      endedAt: 0,
      lastSeq: 0,
      eventCount: 0,
      parentRunId: source,
      parentSeq: recorded.lastSeq,
      origin: 'replay',
    });
    // The host runtime asks before every command: the recorded approvals were applied again.
    expect(events.filter((event) => event.type === 'approval.resolved').length).toBe(2);
  });

  it('stops at the first tool result that differs, naming the step and the call', async () => {
    const source = await recordRun();
    process.env.LOOPLAB_REPLAY_PROBE = 'green';
    const { outcome, events } = await replay(source, 'stop');
    const toolCall = events.find((event) => event.type === 'tool.started' && event.payload.tool === 'bash');
    expect(outcome).toEqual({
      status: 'stopped',
      reason: `Replay diverged at step 2: bash (${toolCall?.type === 'tool.started' ? toolCall.payload.callId : ''}) gave a different result than the recording.`,
    });
    expect(divergenceOf(events)?.payload).toEqual({
      step: 2,
      callId: expect.any(String),
      tool: 'bash',
      expected: '3\nprobe=blue\n[exit code 0]',
      got: '3\nprobe=green\n[exit code 0]',
      expectedError: false,
      gotError: false,
      then: 'stop',
    });
    expect(events.filter((event) => event.type === 'model.finished').length).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'run.status', payload: { status: 'stopped' } });
  });

  it('continues live after a divergence, the live model seeing the replayed conversation', async () => {
    const source = await recordRun();
    process.env.LOOPLAB_REPLAY_PROBE = 'green';
    const live = new ScriptedModel([{ text: 'The probe is green now; stopping here.' }]);
    const { outcome, events } = await replay(source, 'continue', live);
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(events.map((event) => event.type)).toEqual([
      'run.created',
      'run.status',
      // The harness snapshots the empty workspace at the start, then after the write.
      'workspace.snapshot',
      ...['model.started', 'model.finished', 'tool.started', 'workspace.snapshot', 'tool.finished'],
      ...['model.started', 'model.finished', 'approval.requested', 'run.status', 'approval.resolved', 'run.status'],
      ...['tool.started', 'tool.finished', 'replay.diverged'],
      ...['model.started', 'model.finished'],
      'run.status',
    ]);
    const sent = live.requests[0]!.messages;
    expect(sent.at(-1)).toMatchObject({ role: 'tool', content: '3\nprobe=green\n[exit code 0]' });
    expect(app.store.requireRun(events[0]!.runId).model).toBe('scripted/test');
  });

  it('fails clearly when a live model is needed and none can be had', async () => {
    const source = await recordRun();
    process.env.LOOPLAB_REPLAY_PROBE = 'green';
    const { outcome } = await replay(source, 'continue');
    expect(outcome).toEqual({
      status: 'failed',
      reason: 'The replay diverged and cannot continue live: no live model in this test',
    });
  });

  it('records results with secrets removed, and compares them that way', async () => {
    process.env.LOOPLAB_REPLAY_PROBE = 'sk-test-abcdefghijklmnopqrstuvwxyz0123';
    const source = await recordRun();
    const { outcome, events } = await replay(source, 'stop');
    expect(outcome.status).toBe('finished');
    const outputs = events.flatMap((event) => (event.type === 'tool.finished' ? [event.payload.output] : []));
    expect(outputs[1]).toBe(`3\nprobe=${REDACTED}\n[exit code 0]`);
  });

  it('replays, compares and exports through the app’s request channels', async () => {
    const source = await recordRun();
    const started = await dispatch(app.handlers, 'runs.replay', { runId: source });
    if (!started.ok) throw new Error(started.error.message);
    const replayed = started.value as RunSummary;
    expect(replayed).toMatchObject({ parentRunId: source, status: 'running' });
    expect(await app.runs.settled(replayed.id)).toEqual({ status: 'finished', reason: null });

    const compared = await dispatch(app.handlers, 'runs.compare', { a: source, b: replayed.id });
    const comparison = (compared as { ok: true; value: RunComparison }).value;
    expect(comparison.firstDivergence).toBeNull();
    expect(comparison.steps.length).toBe(7);
    expect(comparison.b).toMatchObject({ origin: 'replay', status: 'finished', steps: 4, inputTokens: 800 });

    const exported = await dispatch(app.handlers, 'runs.export', { runId: replayed.id });
    const file = (exported as { ok: true; value: ExportedRun }).value;
    expect(file).toMatchObject({ fileName: `${replayed.id}.looplab.gz`, contentType: 'application/gzip' });
    const header = JSON.parse(gunzipSync(Buffer.from(file.base64, 'base64')).toString('utf8').split('\n')[0]!);
    expect(header).toMatchObject({ format: 'looplab-run', version: 1, runId: replayed.id });

    expect(await dispatch(app.handlers, 'runs.replay', { runId: 'run_missing' })).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message: 'No run run_missing in this data folder.',
        hint: 'List the runs with `looplab runs`.',
      },
    });
  });
});
