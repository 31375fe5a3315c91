// Forking a run in the real Docker sandbox, as the hosts do it (forkPoint, createFork, createRunLoop):
// the fork's workspace is the snapshot of the step it starts from, its conversation is the parent's up
// to there followed by the new message, the other answer to an approval takes effect, and the parent is
// left as it was.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import type { ApprovalGate } from '../src/main/core/ports';
import { createFork, forkGate, forkPoint, type ForkOptions } from '../src/main/runs/fork';
import { createRunLoop, workspaceDir } from '../src/main/runs/run-loop';
import type { RunEvent } from '../src/shared/events';
import { loopConfigSchema, type LoopConfig } from '../src/shared/loop-config';
import { buildGraph } from '../src/shared/run-graph';
import { removeHomeContainers } from './fixtures/train-jobs';
import { TEST_SANDBOX_IMAGE } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { ScriptedModel, type Turn, unusedModels } from './helpers/scripted-model';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let app: App;

const models = unusedModels;

const allow: ApprovalGate = { decide: () => Promise.resolve({ decision: 'approved' }) };

async function drive(runId: string, turns: Turn[], config: LoopConfig, gate: ApprovalGate = allow) {
  const model = new ScriptedModel(turns, undefined, `tc_${runId.slice(-6)}`);
  const loop = createRunLoop({
    app,
    runId,
    model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
    models,
    config,
    gate,
  });
  return { outcome: await loop.run(new AbortController().signal), model };
}

async function fork(runId: string, seq: number, turns: Turn[], options: ForkOptions = {}) {
  const point = forkPoint(app, runId, seq, options);
  const config = point.config ?? loopConfigSchema.parse({});
  const childId = await createFork(app, point, { model: 'scripted/test', message: options.message });
  const refuse: ApprovalGate = { decide: () => Promise.reject(new Error('the fork answers its own approval')) };
  const result = await drive(childId, turns, config, forkGate(refuse, point.pending, options.decision));
  return { childId, ...result };
}

function seqOf(events: readonly RunEvent[], match: (event: RunEvent) => boolean, nth = 0): number {
  return events.filter(match)[nth]!.seq;
}

const isFinished = (event: RunEvent) => event.type === 'tool.finished';

describe.skipIf(skipDocker)('forks', () => {
  beforeAll(() => requireDocker());

  beforeEach(() => {
    home = makeTempHome('looplab-fork-');
    process.env.LOOPLAB_SANDBOX_IMAGE = TEST_SANDBOX_IMAGE;
    app = createApp({ home: home.paths.root, ui: 'web' });
  });

  afterEach(async () => {
    await removeHomeContainers(new Docker(), app.sandbox.homeHash);
    await app.shutdown();
    delete process.env.LOOPLAB_SANDBOX_IMAGE;
    home.remove();
  });

  it('restores the workspace of the fork point and goes on with the new message, leaving the parent as it was', async () => {
    const config = loopConfigSchema.parse({ maxSteps: 10 });
    const parentId = app.store.createRun({ goal: 'write notes', model: 'scripted/test', origin: 'new', config }).runId;
    const parentRun = await drive(
      parentId,
      [
        {
          calls: [
            { name: 'bash', args: { command: 'mkdir bin && printf "#!/bin/sh\\n" > bin/go && chmod 750 bin/go' } },
          ],
        },
        { calls: [{ name: 'write', args: { path: 'a.txt', content: 'first\n' } }] },
        { calls: [{ name: 'edit', args: { path: 'a.txt', old_str: 'first', new_str: 'second' } }] },
        { calls: [{ name: 'write', args: { path: 'b.txt', content: 'bee\n' } }] },
        { text: 'Done.' },
      ],
      config,
    );
    expect(parentRun.outcome).toEqual({ status: 'finished', reason: null });
    const parentFolder = workspaceDir(app, parentId);
    const parentEvents = app.store.loadEvents(parentId, { blobs: 'ref' });
    expect(parentEvents.filter((event) => event.type === 'workspace.snapshot')).toHaveLength(5);

    // The step after the first write: its result.
    const at = seqOf(parentEvents, isFinished, 1);
    const child = await fork(
      parentId,
      at,
      [{ calls: [{ name: 'write', args: { path: 'c.txt', content: 'sea\n' } }] }, { text: 'Wrote c.txt instead.' }],
      { message: 'Leave a.txt as it is and write c.txt instead.' },
    );
    expect(child.outcome).toEqual({ status: 'finished', reason: null });

    const childFolder = workspaceDir(app, child.childId);
    expect(readFileSync(join(childFolder, 'a.txt'), 'utf8')).toBe('first\n');
    expect(existsSync(join(childFolder, 'b.txt'))).toBe(false);
    expect(readFileSync(join(childFolder, 'c.txt'), 'utf8')).toBe('sea\n');
    expect(statSync(join(childFolder, 'bin/go')).mode & 0o7777).toBe(0o750);
    expect(readdirSync(childFolder).sort()).toEqual(['a.txt', 'bin', 'c.txt']);

    // What the model was sent: the parent's conversation up to the first write, then the message.
    const [first] = child.model.requests;
    expect(first!.messages.slice(1).map((message) => [message.role, message.content])).toEqual([
      ['user', 'write notes'],
      ['assistant', ''],
      ['tool', '[exit code 0]'],
      ['assistant', ''],
      ['tool', 'Wrote a.txt (6 bytes, 2 lines).'],
      ['user', 'Leave a.txt as it is and write c.txt instead.'],
    ]);

    // The parent is untouched: its log and its files.
    expect(app.store.loadEvents(parentId, { blobs: 'ref' })).toEqual(parentEvents);
    expect(readFileSync(join(parentFolder, 'a.txt'), 'utf8')).toBe('second\n');
    expect(readFileSync(join(parentFolder, 'b.txt'), 'utf8')).toBe('bee\n');
    expect(existsSync(join(parentFolder, 'c.txt'))).toBe(false);

    // The fork's log: run.created naming its parent, the parent's events up to the fork point under the
    // same seqs, then its own; the restored workspace is not recorded again.
    const childEvents = app.store.loadEvents(child.childId, { blobs: 'ref' });
    expect(childEvents[0]).toMatchObject({
      type: 'run.created',
      payload: { origin: 'fork', parent: { runId: parentId, seq: at }, model: 'scripted/test' },
    });
    const strip = (event: RunEvent) => ({ seq: event.seq, type: event.type, payload: event.payload, time: event.time });
    expect(childEvents.slice(1, at + 1).map(strip)).toEqual(parentEvents.slice(1, at + 1).map(strip));
    // (Its status is `running` already, as copied.)
    expect(childEvents.slice(at + 1).map((event) => event.type)).toEqual([
      'message.user',
      'model.started',
      'model.finished',
      'tool.started',
      'workspace.snapshot',
      'tool.finished',
      'model.started',
      'model.finished',
      'run.status',
    ]);
    expect(app.store.getRun(child.childId)).toMatchObject({ parentRunId: parentId, parentSeq: at, status: 'finished' });

    // The graph: the parent's nodes up to the fork point, marked as inherited, then the fork's own.
    const graph = buildGraph(childEvents);
    const inherited = graph.nodes.filter((node) => node.inherited === true).map((node) => node.kind);
    expect(inherited).toEqual(['model', 'tool', 'model', 'tool']);
    expect(graph.nodes.find((node) => node.kind === 'parent')?.label).toBe(`${parentId} @ ${at}`);
  });

  it('takes the other decision at an approval', async () => {
    const config = loopConfigSchema.parse({ maxSteps: 5, rules: [{ tool: 'write', action: 'ask' }] });
    const parentId = app.store.createRun({ goal: 'write a', model: 'scripted/test', origin: 'new', config }).runId;
    const reject: ApprovalGate = { decide: () => Promise.resolve({ decision: 'rejected', feedback: 'not now' }) };
    const write = { calls: [{ name: 'write', args: { path: 'a.txt', content: 'approved\n' } }] };
    await drive(parentId, [write, { text: 'Understood.' }], config, reject);
    expect(existsSync(join(workspaceDir(app, parentId), 'a.txt'))).toBe(false);

    const events = app.store.loadEvents(parentId, { blobs: 'ref' });
    const at = seqOf(events, (event) => event.type === 'approval.requested');
    await expect(fork(parentId, at, [], { message: 'hello' })).rejects.toThrow(
      `At event #${at} ${parentId} waits for an approval; a message cannot come before its answer.`,
    );
    const child = await fork(parentId, at, [{ text: 'Written.' }], { decision: { decision: 'approved' } });
    expect(child.outcome).toEqual({ status: 'finished', reason: null });
    expect(readFileSync(join(workspaceDir(app, child.childId), 'a.txt'), 'utf8')).toBe('approved\n');
    expect(child.model.requests[0]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'Wrote a.txt (9 bytes, 2 lines).',
    });
    const resolved = app.store
      .loadEvents(child.childId)
      .filter((event) => event.type === 'approval.resolved')
      .map((event) => event.payload);
    expect(resolved).toEqual([{ callId: expect.any(String), decision: 'approved' }]);
  });

  it('says why a run cannot be forked at a step', async () => {
    const config = loopConfigSchema.parse({ maxSteps: 3 });
    const runId = app.store.createRun({ goal: 'nothing', model: 'scripted/test', origin: 'new', config }).runId;
    await drive(runId, [{ text: 'Nothing to do.' }], config);
    const last = app.store.requireRun(runId).lastSeq;
    expect(() => forkPoint(app, runId, last + 1)).toThrow(
      `${runId} has no event #${last + 1}: its events are #0–#${last}.`,
    );
    expect(() => forkPoint(app, runId, 1)).toThrow(
      `${runId} has no workspace snapshot at or before event #1, so its files at that step are not known.`,
    );
    expect(() => forkPoint(app, 'run_missing', 1)).toThrow('No run run_missing in this data folder.');
    expect(() => forkPoint(app, runId, last, { decision: { decision: 'approved' } })).toThrow(
      `Nothing waits for an approval at event #${last} of ${runId}, so there is no decision to change.`,
    );
  });
});
