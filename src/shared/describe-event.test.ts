import { describe, expect, it } from 'vitest';
import type { BlobRef, EventDraft, RunEvent } from './events';
import { argBlobs, argsPreview, contentFields, describeEvent } from './describe-event';

const blob: BlobRef = { $blob: 'a'.repeat(64), size: 20_480, preview: 'step 0 loss 1.0' };

function stored(draft: EventDraft, seq = 1): RunEvent {
  return { runId: 'run_a', seq, time: 0, ...draft } as RunEvent;
}

describe('describeEvent', () => {
  it('says in one line what each kind of event did', () => {
    const drafts: EventDraft[] = [
      { type: 'run.created', payload: { goal: 'Train a baseline', model: 'ollama/qwen', origin: 'new' } },
      { type: 'run.status', payload: { status: 'failed', reason: 'sandbox refused' } },
      {
        type: 'model.finished',
        payload: {
          callId: 'call_m',
          text: 'Looking at\nthe data.',
          toolCalls: [{ id: 'call_t', name: 'bash', args: { command: 'ls' } }],
          finishReason: 'tool_calls',
          usage: { inputTokens: 1200, outputTokens: 80, cost: 0.0123 },
        },
      },
      { type: 'tool.started', payload: { callId: 'call_t', tool: 'bash', args: { command: 'head data.csv' } } },
      { type: 'tool.finished', payload: { callId: 'call_t', output: blob, isError: true } },
      { type: 'approval.resolved', payload: { callId: 'call_t', decision: 'rejected', feedback: 'not on the GPU' } },
      { type: 'job.metric', payload: { jobId: 'job_1', step: 3, values: { loss: 0.41234, acc: 0.9 } } },
      { type: 'evaluation.recorded', payload: { evalId: 'eval_1', metric: 'f1', value: 0.81, target: 0.8 } },
      {
        type: 'plan.updated',
        payload: {
          items: [
            { text: 'Inspect', status: 'done' },
            { text: 'Train', status: 'in_progress' },
          ],
        },
      },
      {
        type: 'workspace.snapshot',
        payload: { manifest: 'a'.repeat(64), files: 3, bytes: 3 * 1024 * 1024, newBytes: 2048, callId: 'call_t' },
      },
      { type: 'workspace.snapshot', payload: { manifest: 'b'.repeat(64), files: 0, bytes: 0, newBytes: 0 } },
      {
        type: 'workspace.snapshot',
        payload: { manifest: null, files: 0, bytes: 5000, newBytes: 0, skipped: 'Not captured: too big.' },
      },
    ];
    expect(drafts.map((draft) => describeEvent(stored(draft)))).toEqual([
      { text: 'Train a baseline · ollama/qwen', tone: 'neutral' },
      { text: 'failed · sandbox refused', tone: 'error' },
      { text: 'Looking at the data. · → bash · 1.2k in / 80 out · $0.012', tone: 'neutral' },
      { text: 'bash · {"command":"head data.csv"}', tone: 'neutral' },
      { text: 'error · step 0 loss 1.0', tone: 'error' },
      { text: 'rejected · not on the GPU', tone: 'error' },
      { text: 'job_1 · step 3 · loss=0.4123 acc=0.9', tone: 'neutral' },
      { text: 'f1 = 0.81 · target 0.8', tone: 'success' },
      { text: '1/2 done · now: Train', tone: 'neutral' },
      { text: 'workspace: 3 files · 3 MB · 2 KB new', tone: 'neutral' },
      { text: 'workspace: 0 files · nothing new stored', tone: 'neutral' },
      { text: 'workspace not captured · Not captured: too big.', tone: 'warning' },
    ]);
  });

  it('lists content fields and finds blobs inside tool arguments', () => {
    const started = stored({ type: 'tool.started', payload: { callId: 'c', tool: 'write', args: { content: blob } } });
    const finished = stored({ type: 'tool.finished', payload: { callId: 'c', output: blob, isError: false } });
    expect({
      preview: argsPreview(started.payload),
      blobs: argBlobs(started),
      fields: contentFields(finished),
    }).toEqual({
      preview: '{"callId":"c","tool":"write","args":{"content":"step 0 loss 1.0…"}}',
      blobs: [{ label: 'args.content', content: blob }],
      fields: [{ label: 'output', content: blob }],
    });
  });
});
