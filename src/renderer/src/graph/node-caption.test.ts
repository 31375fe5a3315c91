import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../shared/events';
import { buildGraph } from '../../../shared/run-graph';
import { eventAt, nodeCaption } from './node-caption';

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_test', seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

describe('node captions', () => {
  it('says what each step was about, from its own events', () => {
    const events = toEvents([
      { type: 'run.created', payload: sampleCreated('Train a baseline') },
      ...sampleRunDrafts(),
    ]);
    const captions = buildGraph(events).nodes.map((node) => [node.id, nodeCaption(node, events)]);
    expect(captions).toEqual([
      ['start', 'Train a baseline'],
      ['model:call_m1', 'I will look at the data first, then train a baseline.'],
      ['tool:call_t1', 'bash head -n 3 tickets.csv'],
      ['approval:call_t2', 'write train.py (18 bytes)'],
      ['tool:call_t2', 'write train.py'],
      ['model:call_m2', 'Starting the training job.'],
      ['tool:call_t3', 'job_start python3 train.py'],
      ['job:job_1', 'python3 train.py'],
      ['evaluation:eval_1', 'macro_f1 = 0.81'],
      ['model:call_m3', 'The baseline reaches macro F1 0.81.'],
    ]);
  });

  it('lists the calls of a reply without words, and finds events by seq even with gaps', () => {
    const events = toEvents([
      { type: 'run.created', payload: sampleCreated() },
      { type: 'model.started', payload: { callId: 'm', model: 'ollama/x' } },
      {
        type: 'model.finished',
        payload: {
          callId: 'm',
          text: '',
          finishReason: 'tool_calls',
          usage: { inputTokens: 0, outputTokens: 0, cost: 0 },
          toolCalls: [
            { id: 'a', name: 'write', args: {} },
            { id: 'b', name: 'write', args: {} },
            { id: 'c', name: 'bash', args: {} },
          ],
        },
      },
    ]);
    const model = buildGraph(events).nodes[1]!;
    expect(nodeCaption(model, events)).toBe('→ write ×2, bash');
    expect(eventAt(events.slice(1), 2)?.type).toBe('model.finished');
  });
});
