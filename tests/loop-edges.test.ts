// The loop's edges: a run that repeats itself asks the person whether to go on, budgets of money and
// time stop a run, and a compaction is a model call like any other (retried, counted, and named when
// it fails).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOf, useLoopSetup } from './helpers/loop-setup';
import { ScriptedModel, type Turn } from './helpers/scripted-model';
import { ProviderError } from '../src/main/core/model';
import type { ApprovalGate, ApprovalRequest } from '../src/main/core/ports';

const setup = useLoopSetup();

const readLog: Turn = { calls: [{ name: 'read', args: { path: 'log.txt' } }] };
const harnessTexts = (runId: string) =>
  setup.store
    .loadEvents(runId)
    .flatMap((event) =>
      event.type === 'message.user' && event.payload.source === 'harness' ? [event.payload.text] : [],
    );

describe('a run that repeats itself', () => {
  it('warns the model, then asks the person, and stops as stalled when they say stop', async () => {
    writeFileSync(join(setup.workspace, 'log.txt'), 'epoch 1\n');
    const gate = gateOf(() => ({ decision: 'rejected', feedback: 'It is stuck.' }));
    const model = new ScriptedModel(Array.from({ length: 10 }, () => readLog));
    const { outcome, runId } = await setup.run({ model, gate });
    expect(outcome).toEqual({
      status: 'stalled',
      reason:
        'The agent repeated the same read call 4 times with identical results. The person stopped the run: It is stuck.',
    });
    expect(gate.asked).toEqual([
      expect.objectContaining<Partial<ApprovalRequest>>({
        kind: 'stall',
        tool: 'read',
        summary:
          'The agent repeated the same read call 4 times with identical results. Go on (with a note for the agent), or stop the run?',
      }),
    ]);
    const events = setup.store.loadEvents(runId);
    expect(events.filter((event) => event.type === 'tool.started')).toHaveLength(4);
    expect(harnessTexts(runId)).toEqual([expect.stringMatching(/^You have made the same read call 3 times in a row/)]);
    expect(model.requests[3]!.messages.at(-1)).toEqual({
      role: 'user',
      content: expect.stringMatching(/^\[Looplab\] You have made the same read call 3 times in a row/),
    });
  });

  it('goes on with the person’s note, counting repetitions afresh', async () => {
    writeFileSync(join(setup.workspace, 'log.txt'), 'epoch 1\n');
    const gate = gateOf((request) =>
      request.kind === 'stall'
        ? { decision: 'approved', feedback: 'The job is slow; wait for epoch 2.' }
        : { decision: 'approved' },
    );
    const model = new ScriptedModel([...Array.from({ length: 6 }, () => readLog), { text: 'Epoch 2 never came.' }]);
    const { outcome, runId } = await setup.run({ model, gate });
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(gate.asked.map((request) => request.kind)).toEqual(['stall']);
    expect(harnessTexts(runId).at(-1)).toBe(
      'You repeated yourself and the person lets you go on, with this note: The job is slow; wait for epoch 2.',
    );
    expect(model.requests[4]!.messages.at(-1)).toEqual({
      role: 'user',
      content:
        '[Looplab] You repeated yourself and the person lets you go on, with this note: The job is slow; wait for epoch 2.',
    });
    const resolved = setup.store.loadEvents(runId).find((event) => event.type === 'approval.resolved');
    expect(resolved?.payload).toEqual({
      callId: 'stall_tc_4',
      decision: 'approved',
      feedback: 'The job is slow; wait for epoch 2.',
    });
  });

  it('asks again after a restart, as it was recorded', async () => {
    writeFileSync(join(setup.workspace, 'log.txt'), 'epoch 1\n');
    const controller = new AbortController();
    // The person closes the app while the question is open: the gate gives up with the run's signal.
    const interrupt: ApprovalGate = {
      decide: async (_request, signal) => {
        controller.abort(new Error('closed'));
        throw signal.reason;
      },
    };
    const { loop, runId } = setup.makeLoop({
      model: new ScriptedModel(Array.from({ length: 4 }, () => readLog)),
      gate: interrupt,
    });
    const aborted = loop.run(controller.signal);
    expect((await aborted).status).toBe('interrupted');
    const again = gateOf(() => ({ decision: 'rejected', by: 'policy', feedback: 'Stopped by the headless policy.' }));
    const { loop: resumed } = setup.makeLoop({ model: new ScriptedModel([]), gate: again }, runId);
    expect(await resumed.run(new AbortController().signal)).toEqual({
      status: 'stalled',
      reason: 'The agent repeated the same read call 4 times with identical results. Stopped by the headless policy.',
    });
    expect(again.asked).toEqual([expect.objectContaining({ kind: 'stall', callId: 'stall_tc_4' })]);
    const requested = setup.store.loadEvents(runId).filter((event) => event.type === 'approval.requested');
    expect(requested).toHaveLength(1);
  });
});

describe('budgets', () => {
  const writes = (count: number, usage = { inputTokens: 300_000, outputTokens: 50_000 }) =>
    new ScriptedModel(
      Array.from({ length: count }, (_, index) => ({
        calls: [{ name: 'write', args: { path: `f${index}.txt`, content: String(index) } }],
        usage,
      })),
    );

  it('stops when the money is spent, saying how much', async () => {
    // $0.35 a turn at $1 per million tokens.
    const { outcome, runId } = await setup.run({ model: writes(5), config: { budget: { costUsd: 0.5 } } });
    expect(outcome).toEqual({ status: 'stopped', reason: 'Cost budget of $0.5 reached ($0.7000 spent).' });
    expect(setup.store.getRun(runId)).toMatchObject({ status: 'stopped', steps: 2, cost: 0.7 });
  });

  it('stops when the time is up, by the loop’s clock', async () => {
    const slow: Turn = () => {
      setup.advance(61_000);
      return { calls: [{ name: 'write', args: { path: 'a.txt', content: 'a' } }] };
    };
    const model = new ScriptedModel([slow, { text: 'Never asked.' }]);
    const { outcome, runId } = await setup.run({ model, config: { budget: { wallMs: 60_000 } } });
    expect(outcome).toEqual({ status: 'stopped', reason: 'Time budget of 60 s reached.' });
    expect(model.requests).toHaveLength(1);
    expect(setup.store.getRun(runId)).toMatchObject({ status: 'stopped', steps: 1 });
  });
});

describe('compaction', () => {
  const long = 'x'.repeat(6_000);
  /** Writes long files until the conversation must be compacted; `summary` answers the compaction's call. */
  function filling(summary: (request: number) => Turn): ScriptedModel {
    let writes = 0;
    let asked = 0;
    const turn: Turn = (request) => {
      if (request.tools.length === 0) {
        const answer = summary(asked++);
        return typeof answer === 'function' ? answer(request) : answer;
      }
      if (writes < 6) return { calls: [{ name: 'write', args: { path: `n${writes++}.txt`, content: long } }] };
      return { text: 'All done.' };
    };
    return new ScriptedModel(Array.from({ length: 30 }, () => turn));
  }

  it('is retried like a turn, and its tokens and cost count towards the run', async () => {
    const model = filling((asked) => () => {
      if (asked === 0) throw new ProviderError('transient', 'HTTP 503');
      return { text: 'Key facts: wrote n0-n5.', usage: { inputTokens: 2_000, outputTokens: 40 } };
    });
    const { outcome, runId } = await setup.run({ model, contextLength: 8_000 });
    expect(outcome.status).toBe('finished');
    expect(setup.sleeps).toEqual([500]);
    const events = setup.store.loadEvents(runId);
    const compaction = events.find((event) => event.type === 'context.compacted');
    expect(compaction?.payload).toMatchObject({
      summary: 'Key facts: wrote n0-n5.',
      usage: { inputTokens: 2_000, outputTokens: 40, cost: 0.00204 },
    });
    const turns = events.flatMap((event) => (event.type === 'model.finished' ? [event.payload.usage.inputTokens] : []));
    const run = setup.store.getRun(runId)!;
    expect(run.inputTokens).toBe(turns.reduce((sum, tokens) => sum + tokens, 0) + 2_000);
    expect(run.steps).toBe(turns.length);
  });

  it('calls the model after a compaction that could not shorten the conversation, once a step', async () => {
    const model = filling(() => ({ text: 'y'.repeat(40_000) }));
    const { outcome, runId } = await setup.run({ model, contextLength: 8_000 });
    expect(outcome).toEqual({ status: 'finished', reason: null });
    const types = setup.store.loadEvents(runId).map((event) => event.type);
    const steps = types.filter((type) => type === 'model.started').length;
    expect(types.filter((type) => type === 'context.compacted').length).toBeLessThanOrEqual(steps);
    expect(types.join(' ')).not.toContain('context.compacted context.compacted');
  });

  it('fails the run naming the compaction and what to do, when the model cannot summarize', async () => {
    const model = filling(() => () => {
      throw new ProviderError('bad_request', 'HTTP 400: prompt is too long.');
    });
    const { outcome } = await setup.run({ model, contextLength: 8_000 });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(
      /^Compaction failed: scripted\/test could not summarize the run to fit its context window \(about \d+ tokens of 8000\)\. HTTP 400: prompt is too long\. Resume the run to try again, or fork it with a model that has a larger context window\.$/,
    );
  });
});
