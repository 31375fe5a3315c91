// @vitest-environment happy-dom
// What the transcript says of a small model's reply: reasoning folded under "Thinking…" until opened,
// and a call the model wrote as text marked as recovered, beside a call it sent as a call.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { sampleCreated } from '../../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { whenLoaded } from '../common/when-loaded';
import { RunTranscript } from './run-transcript';

afterEach(() => cleanup());

const usage = { inputTokens: 10, outputTokens: 5, cost: 0 };

function events(): RunEvent[] {
  const drafts: EventDraft[] = [
    { type: 'run.created', payload: sampleCreated() },
    {
      type: 'model.finished',
      payload: {
        callId: 'call_m1',
        text: 'Reading the data first.',
        thinking: 'The goal names **tickets.csv**; look at it before training.',
        finishReason: 'tool_calls',
        usage,
        toolCalls: [
          { id: 'call_m1-text-1', name: 'read', args: { path: 'tickets.csv' }, recoveredFrom: 'hermes' },
          { id: 'call_r2', name: 'read', args: { path: 'notes.md' } },
        ],
      },
    },
  ];
  return drafts.map((draft, seq) => ({ runId: 'run_t', seq, time: seq, ...draft }) as RunEvent);
}

it('folds the reasoning under "Thinking…" and marks only the call recovered from text', async () => {
  render(<RunTranscript events={events()} />);
  const [model] = screen.getAllByTestId('transcript-entry').filter((entry) => entry.dataset.kind === 'model');
  expect(model!.textContent).toContain('Reading the data first.');
  expect(model!.textContent).not.toContain('look at it before training');
  const fold = within(model!).getByRole('button', { name: '▸ Thinking…' });
  fireEvent.click(fold);
  expect(fold.getAttribute('aria-expanded')).toBe('true');
  await whenLoaded();
  expect(within(model!).getByText('tickets.csv').tagName).toBe('STRONG');

  const calls = screen.getAllByTestId('transcript-entry').filter((entry) => entry.dataset.kind === 'call');
  expect(calls.map((call) => within(call).queryByTestId('recovered-mark')?.textContent.trim() ?? null)).toEqual([
    'recovered from text',
    null,
  ]);
  expect(within(calls[0]!).getByTestId('recovered-mark').getAttribute('title')).toContain('<tool_call>');
});
