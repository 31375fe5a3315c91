import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOf, toolMessages, useLoopSetup } from './helpers/loop-setup';
import { ScriptedModel, type Turn } from './helpers/scripted-model';
import { builtinTools } from '../src/main/tools';
import { ProviderError } from '../src/main/core/model';
import type { ApprovalGate } from '../src/main/core/ports';
import { SYSTEM_PROMPT } from '../src/main/core/system-prompt';
import { defineTool } from '../src/main/core/tool';
import { z } from 'zod';

const setup = useLoopSetup();
const { sleeps, makeLoop, run } = setup;

describe('agent loop', () => {
  it('runs tools and sends their results to the model in the next request', async () => {
    const model = new ScriptedModel([
      { text: 'Writing the script.', calls: [{ name: 'write', args: { path: 'train.py', content: 'print("hi")\n' } }] },
      { calls: [{ name: 'read', args: { path: 'train.py' } }] },
      { text: 'Done: train.py prints hi.' },
    ]);
    const { outcome, runId, types } = await run({ model });
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(types).toEqual([
      'run.created',
      'run.status',
      'model.started',
      'model.finished',
      'tool.started',
      'tool.finished',
      'model.started',
      'model.finished',
      'tool.started',
      'tool.finished',
      'model.started',
      'model.finished',
      'run.status',
    ]);
    expect(readFileSync(join(setup.workspace, 'train.py'), 'utf8')).toBe('print("hi")\n');
    expect(toolMessages(model, 1)).toEqual(['Wrote train.py (12 bytes, 2 lines).']);
    expect(toolMessages(model, 2)[1]).toBe('     1  print("hi")\n     2  ');
    expect(model.requests[0]!.messages.slice(0, 2)).toEqual([
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: 'Train a classifier on data.csv' },
    ]);
    expect(model.requests[0]!.tools.map((tool) => tool.name)).toEqual(['plan', 'read', 'write', 'edit', 'bash']);
    expect(setup.store.getRun(runId)).toMatchObject({
      status: 'finished',
      steps: 3,
      toolCalls: 2,
      inputTokens: 300,
      outputTokens: 30,
    });
  });

  it('does not flag polling whose results change', async () => {
    let epoch = 0;
    const poll: Turn = () => {
      writeFileSync(join(setup.workspace, 'log.txt'), `epoch ${++epoch}\n`);
      return { calls: [{ name: 'read', args: { path: 'log.txt' } }] };
    };
    const model = new ScriptedModel([poll, poll, poll, poll, poll, poll, { text: 'Training finished at epoch 6.' }]);
    const { outcome, types } = await run({ model });
    expect(outcome.status).toBe('finished');
    expect(types.filter((type) => type === 'message.user')).toEqual([]);
  });

  it('asks before a call a rule marks, and the model reads the rejection', async () => {
    const gate = gateOf(() => ({ decision: 'rejected', feedback: 'Do not overwrite my data.' }));
    const model = new ScriptedModel([
      { calls: [{ name: 'write', args: { path: 'data.csv', content: 'x' } }] },
      { text: 'Understood.' },
    ]);
    const { outcome, types } = await run({ model, gate, config: { rules: [{ tool: 'write', action: 'ask' }] } });
    expect(outcome.status).toBe('finished');
    expect(existsSync(join(setup.workspace, 'data.csv'))).toBe(false);
    expect(gate.asked.map((request) => [request.tool, request.summary, request.rule])).toEqual([
      ['write', 'write data.csv (1 bytes)\nx', 'ask write'],
    ]);
    expect(types.slice(4, 9)).toEqual([
      'approval.requested',
      'run.status',
      'approval.resolved',
      'tool.finished',
      'run.status',
    ]);
    expect(toolMessages(model, 1)).toEqual(['The person rejected this call: Do not overwrite my data.']);
  });

  it('asks about every call of a reply at once, and runs the approved ones in the order they were made', async () => {
    const asked: string[] = [];
    let answerAll: () => void = () => undefined;
    const bothAsked = new Promise<void>((resolve) => (answerAll = resolve));
    const gate: ApprovalGate = {
      decide: async (request) => {
        asked.push(request.callId);
        if (asked.length === 2) answerAll();
        await bothAsked;
        return { decision: 'approved' };
      },
    };
    const model = new ScriptedModel([
      {
        calls: [
          { name: 'write', args: { path: 'first.txt', content: '1' } },
          { name: 'write', args: { path: 'second.txt', content: '2' } },
        ],
      },
      { text: 'ok' },
    ]);
    const { runId } = await run({ model, gate, config: { rules: [{ tool: 'write', action: 'ask' }] } });
    expect(asked).toEqual(['tc_1', 'tc_2']);
    const events = setup.store.loadEvents(runId);
    const sequence = events
      .slice(4)
      .map((event) => (event.type === 'run.status' ? `status:${event.payload.status}` : event.type));
    expect(sequence.slice(0, 10)).toEqual([
      'approval.requested',
      'approval.requested',
      'status:waiting',
      'approval.resolved',
      'approval.resolved',
      'status:running',
      'tool.started',
      'tool.finished',
      'tool.started',
      'tool.finished',
    ]);
    expect(toolMessages(model, 1)).toEqual([
      'Wrote first.txt (1 bytes, 1 lines).',
      'Wrote second.txt (1 bytes, 1 lines).',
    ]);
  });

  it('runs an approved call with the arguments the person edited', async () => {
    const gate = gateOf((request) => ({
      decision: 'approved',
      editedInput: { ...(request.input as object), path: 'safe.txt' },
    }));
    const model = new ScriptedModel([
      { calls: [{ name: 'write', args: { path: 'data.csv', content: 'x' } }] },
      { text: 'ok' },
    ]);
    await run({ model, gate, config: { rules: [{ tool: 'write', arg: 'path', pattern: '*.csv', action: 'ask' }] } });
    expect(existsSync(join(setup.workspace, 'data.csv'))).toBe(false);
    expect(readFileSync(join(setup.workspace, 'safe.txt'), 'utf8')).toBe('x');
  });

  it('denies by rule without asking', async () => {
    const gate = gateOf(() => ({ decision: 'approved' }));
    const model = new ScriptedModel([{ calls: [{ name: 'bash', args: { command: 'rm -rf /' } }] }, { text: 'ok' }]);
    await run({ model, gate, config: { rules: [{ tool: 'bash', arg: 'command', pattern: 'rm *', action: 'deny' }] } });
    expect(gate.asked).toEqual([]);
    expect(toolMessages(model, 1)).toEqual([
      'Not run: denied by the rule "deny bash where command matches "rm *"". Do something else or finish.',
    ]);
  });

  it('answers malformed calls with errors the model can act on, then a corrective message', async () => {
    const model = new ScriptedModel([
      { rawCalls: [{ name: 'write', arguments: '{"path": "a.py", "content": ' }] },
      {
        calls: [
          { name: 'deploy', args: {} },
          { name: 'read', args: { path: 7 } },
        ],
      },
      { text: 'I will stop here.' },
    ]);
    const { outcome } = await run({ model });
    expect(outcome.status).toBe('finished');
    expect(toolMessages(model, 1)).toEqual([
      'Could not read the arguments of write: they are not valid JSON. Send the arguments as one JSON object.',
    ]);
    expect(toolMessages(model, 2).slice(1)).toEqual([
      'There is no tool named "deploy". The tools are: plan, read, write, edit, bash.',
      'Invalid arguments for read: path: Invalid input: expected string, received number. Fix them and call it again.',
    ]);
    expect(model.requests[2]!.messages.at(-1)!.content).toMatch(
      /^\[Looplab\] Several tool calls in a row could not be used/,
    );
  });

  it('explains a call cut off by the output limit', async () => {
    const model = new ScriptedModel([
      { rawCalls: [{ name: 'write', arguments: '{"path": "big.py", "content": "imp' }], finish: 'length' },
      { text: 'ok' },
    ]);
    await run({ model });
    expect(toolMessages(model, 1)[0]).toMatch(/cut off by the output limit before the arguments were complete/);
  });

  it('asks a model that ends silently after tool results to go on, and finishes at a second silent turn', async () => {
    const model = new ScriptedModel([
      { calls: [{ name: 'write', args: { path: 'a.txt', content: 'a\n' } }] },
      {},
      { calls: [{ name: 'read', args: { path: 'a.txt' } }] },
      {},
      {},
    ]);
    const { outcome, runId } = await run({ model });
    expect(outcome).toEqual({ status: 'finished', reason: null });
    const nudges = setup.store
      .loadEvents(runId)
      .filter((event) => event.type === 'message.user' && event.payload.source === 'harness');
    expect(nudges).toHaveLength(2);
    expect(model.requests).toHaveLength(5);
    expect(model.requests[2]!.messages.at(-1)).toEqual({
      role: 'user',
      content:
        '[Looplab] You ended your turn without a word after the tool results. Go on with the task, or say that you are done and what you found.',
    });
  });

  it('retries transient provider errors with backoff and waits out rate limits', async () => {
    const fail =
      (error: ProviderError): Turn =>
      () => {
        throw error;
      };
    const model = new ScriptedModel([
      fail(new ProviderError('transient', 'HTTP 500')),
      fail(new ProviderError('rate_limited', 'HTTP 429', { retryAfterMs: 2_000 })),
      fail(new ProviderError('transient', 'stream cut')),
      { text: 'Finally.' },
    ]);
    const { outcome, types } = await run({ model });
    expect(outcome.status).toBe('finished');
    expect(sleeps).toEqual([500, 2_000, 2_000]);
    expect(types.filter((type) => type === 'model.finished')).toHaveLength(4);
  });

  it('stops with a clear message on errors retrying cannot fix', async () => {
    const model = new ScriptedModel([
      () => {
        throw new ProviderError('model_missing', 'Model qwen2.5-coder:7b is not installed.', {
          hint: 'Run `ollama pull qwen2.5-coder:7b`.',
        });
      },
    ]);
    const { outcome } = await run({ model });
    expect(outcome).toEqual({
      status: 'failed',
      reason: 'Model qwen2.5-coder:7b is not installed. Run `ollama pull qwen2.5-coder:7b`.',
    });
    expect(sleeps).toEqual([]);
  });

  it('stops at the step limit and at the token budget', async () => {
    const busy = () =>
      new ScriptedModel(
        Array.from({ length: 10 }, (_, index) => ({
          calls: [{ name: 'write', args: { path: `f${index}.txt`, content: String(index) } }],
        })),
      );
    expect((await run({ model: busy(), config: { maxSteps: 3 } })).outcome).toEqual({
      status: 'stopped',
      reason: 'Step limit of 3 reached.',
    });
    expect((await run({ model: busy(), config: { budget: { tokens: 250 } } })).outcome).toEqual({
      status: 'stopped',
      reason: 'Token budget of 250 reached (330 used).',
    });
  });

  it('is interrupted mid-tool, then resumes with the cut-off call closed', async () => {
    const controller = new AbortController();
    const wait = defineTool({
      name: 'wait',
      description: 'waits until interrupted',
      input: z.object({}),
      risk: 'exec',
      summarize: () => 'wait',
      run: (_input, ctx) =>
        new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const model = new ScriptedModel([
      () => (setTimeout(() => controller.abort(new Error('stop')), 20), { calls: [{ name: 'wait', args: {} }] }),
    ]);
    const { loop, runId } = makeLoop({ model, tools: [...builtinTools, wait] });
    expect(await loop.run(controller.signal)).toEqual({ status: 'interrupted', reason: 'Interrupted by the person.' });
    expect(setup.store.getRun(runId)!.status).toBe('interrupted');

    const resumed = new ScriptedModel([{ text: 'Picking up where I left off.' }]);
    const { loop: again } = makeLoop({ model: resumed, tools: [...builtinTools, wait] }, runId);
    expect(await again.run(new AbortController().signal)).toEqual({ status: 'finished', reason: null });
    expect(toolMessages(resumed, 0)).toEqual(['Interrupted before it finished.']);
  });

  it('compacts the conversation before it overflows the context window', async () => {
    const long = 'x'.repeat(6_000);
    let writes = 0;
    const turn: Turn = (request) => {
      if (request.tools.length === 0) return { text: 'Key facts: wrote n0-n5.' };
      if (writes < 6) return { calls: [{ name: 'write', args: { path: `n${writes++}.txt`, content: long } }] };
      return { text: 'All done.' };
    };
    const model = new ScriptedModel(Array.from({ length: 12 }, () => turn));
    const { outcome, runId } = await run({ model, contextLength: 8_000 });
    expect(outcome.status).toBe('finished');
    const compaction = setup.store.loadEvents(runId).find((event) => event.type === 'context.compacted');
    expect(compaction?.payload).toMatchObject({ summary: 'Key facts: wrote n0-n5.' });
    const last = model.requests.at(-1)!;
    expect(last.messages[2]).toEqual({
      role: 'user',
      content: '[Looplab] Summary of the work so far:\nKey facts: wrote n0-n5.',
    });
    const summaryRequest = model.requests.findIndex((request) => request.tools.length === 0);
    expect(model.requests[summaryRequest]!.messages[1]!.content).toContain('CALL write {"path":"n0.txt"');
    expect(model.requests[summaryRequest + 1]!.messages.length).toBeLessThan(
      model.requests[summaryRequest - 1]!.messages.length,
    );
    expect(writes).toBe(6);
  });
});
