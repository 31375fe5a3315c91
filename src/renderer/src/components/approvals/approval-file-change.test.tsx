// @vitest-environment happy-dom
// A waiting write or edit as its file change: a diff numbered as in the file the run wrote earlier, a
// new file whole, and an edit of a file the run has not seen as its own lines.
import { cleanup, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCreated } from '../../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { whenLoaded } from '../common/when-loaded';
import { card, renderPanel, toEvents } from './approval-test-kit';

afterEach(() => cleanup());

/** A run that wrote train.py, then asks to change it with `tool` and `args`. */
function changeOfWrittenFile(tool: string, args: unknown): RunEvent[] {
  const written = 'import sys\n\ndef main():\n    lr = 0.1\n    epochs = 3\n    train(lr, epochs)\n\nmain()\n';
  const turn = (callId: string, name: string, callArgs: unknown): EventDraft[] => [
    { type: 'model.started', payload: { callId: `m_${callId}`, model: 'test-model' } },
    {
      type: 'model.finished',
      payload: {
        callId: `m_${callId}`,
        text: '',
        finishReason: 'tool_calls',
        usage: { inputTokens: 10, outputTokens: 5, cost: 0 },
        toolCalls: [{ id: callId, name, args: callArgs }],
      },
    },
  ];
  return toEvents([
    { type: 'run.created', payload: sampleCreated() },
    ...turn('call_w1', 'write', { path: 'train.py', content: written }),
    {
      type: 'tool.started',
      payload: { callId: 'call_w1', tool: 'write', args: { path: 'train.py', content: written } },
    },
    { type: 'tool.finished', payload: { callId: 'call_w1', output: 'Wrote train.py', isError: false } },
    ...turn('call_c', tool, args),
    { type: 'approval.requested', payload: { callId: 'call_c', tool, summary: `${tool} train.py` } },
  ]);
}

/** The diff rows a card shows: the line numbers before and after, the mark and the text. */
function diffRows(element: HTMLElement): string[] {
  return within(element)
    .getAllByTestId('diff-code')
    .map((code) => {
      const row = code.closest('tr')!;
      const [old, next] = [
        row.querySelector('[data-testid="diff-old-line"]'),
        row.querySelector('[data-testid="diff-new-line"]'),
      ];
      return `${old?.textContent || '.'} ${next?.textContent || '.'} ${row.dataset.kind} ${code.textContent}`;
    });
}

describe('ApprovalPanel file changes', () => {
  it('shows an edit as removed and added lines numbered as in the file written earlier', async () => {
    renderPanel(
      changeOfWrittenFile('edit', {
        path: 'train.py',
        old_str: '    lr = 0.1',
        new_str: '    lr = 0.01\n    warmup = 2',
      }),
    );
    const edit = card('call_c');
    expect(within(edit).getByText('edit train.py')).toBeTruthy();
    expect(within(edit).getByTestId('file-change').dataset.kind).toBe('diff');
    expect(within(edit).getByText('+2')).toBeTruthy();
    expect(within(edit).getByText('−1')).toBeTruthy();
    expect(diffRows(edit)).toEqual([
      '1 1 context import sys',
      '2 2 context ',
      '3 3 context def main():',
      '4 . removed     lr = 0.1',
      '. 4 added     lr = 0.01',
      '. 5 added     warmup = 2',
      '5 6 context     epochs = 3',
      '6 7 context     train(lr, epochs)',
      '7 8 context ',
    ]);
    const removed = edit.querySelector('tr[data-kind="removed"]')!;
    expect(removed.className).toContain('diff-removed');
    await whenLoaded();
    expect([...removed.querySelectorAll('.hljs-number')].map((node) => node.textContent)).toEqual(['0.1']);
  });

  it('shows a write over a file written earlier as its diff, and a write to a new path as a new file', async () => {
    renderPanel(
      changeOfWrittenFile('write', {
        path: 'train.py',
        content: 'import sys\n\ndef main():\n    lr = 0.2\n    epochs = 3\n    train(lr, epochs)\n\nmain()\n',
      }),
    );
    expect(diffRows(card('call_c')).filter((row) => !row.includes(' context '))).toEqual([
      '4 . removed     lr = 0.1',
      '. 4 added     lr = 0.2',
    ]);
    cleanup();

    renderPanel(changeOfWrittenFile('write', { path: 'eval.py', content: 'def score():\n    return 1\n' }));
    const write = card('call_c');
    expect(within(write).getByTestId('file-change').dataset.kind).toBe('new');
    expect(within(write).getByText('new file')).toBeTruthy();
    const code = write.querySelector('code.language-python')!;
    expect(code.textContent).toBe('def score():\n    return 1\n');
    await whenLoaded();
    expect([...code.querySelectorAll('.hljs-keyword')].map((node) => node.textContent)).toEqual(['def', 'return']);
  });

  it('shows an edit of a file the run has not seen as its own lines, without file line numbers', () => {
    const events = changeOfWrittenFile('edit', { path: 'other.py', old_str: 'a = 1', new_str: 'a = 2' });
    renderPanel(events);
    const edit = card('call_c');
    expect(within(edit).getByText(/where in the file is not known/)).toBeTruthy();
    expect(diffRows(edit)).toEqual(['. . removed a = 1', '. . added a = 2']);
  });
});
