// @vitest-environment happy-dom
// The approval panel as a person uses it: what a pending call shows, and which `approvals.decide`
// request each answer sends. The main process is reached through `window.api`, the bridge seam the
// preload fills in Electron; here it is a recording LooplabBridge.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../tests/fixtures/sample-run';
import type { RequestChannel } from '../../../shared/channels';
import type { ApiResult, LooplabBridge } from '../../../shared/contract';
import type { EventDraft, RunEvent } from '../../../shared/events';
import { reduceRun } from '../../../shared/run-state';
import { ApprovalPanel } from './approval-panel';

const RUN_ID = 'run_test';
const BLOB_HASH = 'a'.repeat(64);
const BLOB_TEXT = 'print("the full script, loaded from its blob")\n';

interface Call {
  channel: RequestChannel;
  input: unknown;
}

const calls: Call[] = [];
/** What the next `approvals.decide` answers; success unless a test says otherwise. */
let decideResult: ApiResult<{ decided: true }> = { ok: true, value: { decided: true } };

function answer(channel: RequestChannel, input: unknown): ApiResult<unknown> {
  if (channel === 'approvals.decide') return decideResult;
  if (channel === 'blobs.get') {
    const { hash } = input as { hash: string };
    return { ok: true, value: { hash, text: hash === BLOB_HASH ? BLOB_TEXT : '' } };
  }
  return { ok: false, error: { code: 'internal', message: `unexpected request ${channel}` } };
}

const recordingBridge: LooplabBridge = {
  call: (channel, input) => {
    calls.push({ channel, input });
    return Promise.resolve(answer(channel, input) as never);
  },
  subscribe: () => () => undefined,
};

beforeAll(() => {
  // The bridge module reads `window.api` once, on the first request; it is set before any.
  window.api = recordingBridge;
});

beforeEach(() => {
  calls.length = 0;
  decideResult = { ok: true, value: { decided: true } };
});

afterEach(() => cleanup());

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: RUN_ID, seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

/** The sample run up to its approval request: one write call waits. */
function onePending(): RunEvent[] {
  const drafts = sampleRunDrafts();
  const index = drafts.findIndex((draft) => draft.type === 'approval.requested');
  return toEvents([{ type: 'run.created', payload: sampleCreated() }, ...drafts.slice(0, index + 1)]);
}

/** A turn with two calls that both wait: a write and a bash command. */
function twoPending(): RunEvent[] {
  return toEvents([
    { type: 'run.created', payload: sampleCreated() },
    { type: 'model.started', payload: { callId: 'call_m1', model: 'test-model' } },
    {
      type: 'model.finished',
      payload: {
        callId: 'call_m1',
        text: 'Writing the script and installing what it needs.',
        finishReason: 'tool_calls',
        usage: { inputTokens: 10, outputTokens: 5, cost: 0 },
        toolCalls: [
          { id: 'call_w', name: 'write', args: { path: 'train.py', content: 'print(1)\n' } },
          { id: 'call_b', name: 'bash', args: { command: 'pip install scikit-learn' } },
        ],
      },
    },
    { type: 'approval.requested', payload: { callId: 'call_w', tool: 'write', summary: 'write train.py (9 bytes)' } },
    {
      type: 'approval.requested',
      payload: { callId: 'call_b', tool: 'bash', summary: '$ pip install scikit-learn' },
    },
  ]);
}

function renderPanel(events: RunEvent[]) {
  const state = reduceRun(events);
  if (state === undefined) throw new Error('no run');
  const onDetached = vi.fn<() => void>();
  const view = render(
    <ApprovalPanel runId={RUN_ID} approvals={state.pendingApprovals} events={events} onDetached={onDetached} />,
  );
  return { ...view, onDetached, approvals: state.pendingApprovals };
}

function card(callId: string): HTMLElement {
  const element = screen.getAllByTestId('approval').find((item) => item.dataset.callId === callId);
  if (element === undefined) throw new Error(`no card for ${callId}`);
  return element;
}

function decideCalls(): unknown[] {
  return calls.filter((call) => call.channel === 'approvals.decide').map((call) => call.input);
}

describe('ApprovalPanel', () => {
  it('shows the one waiting call in full, with its answers and no "Approve all"', () => {
    renderPanel(onePending());
    expect(screen.getByRole('region', { name: 'Waiting for your approval' })).toBeTruthy();
    expect(screen.getByText('A call waits for your approval')).toBeTruthy();
    const write = card('call_t2');
    expect(write.dataset.state).toBe('pending');
    expect(within(write).getByText('write')).toBeTruthy();
    expect(within(write).getByText('call_t2')).toBeTruthy();
    expect(within(write).getByText('write train.py (18 bytes)')).toBeTruthy();
    expect(within(write).getByRole('button', { name: 'Approve' })).toBeTruthy();
    expect(within(write).getByRole('button', { name: 'Edit, then approve' })).toBeTruthy();
    expect(within(write).getByRole('button', { name: 'Reject' })).toBeTruthy();
    expect(within(write).getByRole('textbox', { name: 'Feedback for rejecting write' })).toBeTruthy();
    expect(screen.queryByTestId('approve-all')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Approve all' })).toBeNull();
    expect(calls).toEqual([]);
  });

  it('Approve sends the decision for that call and the card says it was sent', async () => {
    renderPanel(onePending());
    fireEvent.click(screen.getByTestId('approve'));
    expect(decideCalls()).toEqual([{ runId: RUN_ID, callId: 'call_t2', decision: 'approved' }]);
    expect(await screen.findByText('Approved; the run goes on…')).toBeTruthy();
    expect(card('call_t2').dataset.state).toBe('sent');
    expect((screen.getByTestId('approve') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('reject') as HTMLButtonElement).disabled).toBe(true);
    expect(calls.map((call) => call.channel)).toEqual(['approvals.decide']);
  });

  it('Edit, then approve sends the input with the changed path', async () => {
    renderPanel(onePending());
    fireEvent.click(screen.getByTestId('edit-approve'));
    const fields = screen.getAllByTestId('edit-field') as (HTMLInputElement | HTMLTextAreaElement)[];
    expect(fields.map((field) => [field.dataset.field, field.value])).toEqual([
      ['path', 'train.py'],
      ['content', 'print("training")\n'],
    ]);
    fireEvent.change(fields[0]!, { target: { value: 'scripts/train.py' } });
    fireEvent.click(screen.getByRole('button', { name: 'Approve edited' }));
    expect(decideCalls()).toEqual([
      {
        runId: RUN_ID,
        callId: 'call_t2',
        decision: 'approved',
        editedInput: { path: 'scripts/train.py', content: 'print("training")\n' },
      },
    ]);
    expect(await screen.findByText('Approved; the run goes on…')).toBeTruthy();
  });

  it('Cancel leaves the editor without sending anything', () => {
    renderPanel(onePending());
    fireEvent.click(screen.getByTestId('edit-approve'));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('edit-field')).toBeNull();
    expect(screen.getByTestId('approve')).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it('Reject sends the typed feedback, trimmed, and says the call was rejected', async () => {
    renderPanel(onePending());
    fireEvent.change(screen.getByTestId('reject-feedback'), {
      target: { value: '  Write it under scripts/ instead.  ' },
    });
    fireEvent.click(screen.getByTestId('reject'));
    expect(decideCalls()).toEqual([
      { runId: RUN_ID, callId: 'call_t2', decision: 'rejected', feedback: 'Write it under scripts/ instead.' },
    ]);
    expect(await screen.findByText('Rejected; the run goes on…')).toBeTruthy();
  });

  it('Reject with no feedback sends none, and Ctrl+Enter in the feedback rejects', async () => {
    const first = renderPanel(onePending());
    fireEvent.click(screen.getByTestId('reject'));
    expect(decideCalls()).toEqual([{ runId: RUN_ID, callId: 'call_t2', decision: 'rejected' }]);
    await screen.findByText('Rejected; the run goes on…');
    first.unmount();

    calls.length = 0;
    renderPanel(onePending());
    const feedback = screen.getByTestId('reject-feedback');
    fireEvent.change(feedback, { target: { value: 'Not now.' } });
    fireEvent.keyDown(feedback, { key: 'Enter', ctrlKey: true });
    expect(decideCalls()).toEqual([{ runId: RUN_ID, callId: 'call_t2', decision: 'rejected', feedback: 'Not now.' }]);
    await screen.findByText('Rejected; the run goes on…');
  });

  it('invalid JSON in the editor shows an error and sends nothing; fixed JSON is sent', async () => {
    renderPanel(onePending());
    fireEvent.click(screen.getByTestId('edit-approve'));
    fireEvent.click(screen.getByRole('button', { name: 'Edit as JSON' }));
    const json = screen.getByTestId('edit-input') as HTMLTextAreaElement;
    expect(JSON.parse(json.value)).toEqual({ path: 'train.py', content: 'print("training")\n' });

    fireEvent.change(json, { target: { value: '{"path": "oops.py", ' } });
    expect(screen.getByTestId('edit-error').textContent).toMatch(/^Not valid JSON: /);
    expect(screen.getByRole('alert').textContent).toMatch(/^Not valid JSON: /);
    expect(json.getAttribute('aria-invalid')).toBe('true');
    const approve = screen.getByRole('button', { name: 'Approve edited' }) as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    fireEvent.click(approve);
    fireEvent.submit(approve.closest('form')!);

    fireEvent.change(json, { target: { value: '["train.py"]' } });
    expect(screen.getByTestId('edit-error').textContent).toBe('The input must be a JSON object, like {"path": "…"}.');
    fireEvent.submit(approve.closest('form')!);
    expect(calls).toEqual([]);

    fireEvent.change(json, { target: { value: '{"path": "fixed.py", "content": "x"}' } });
    expect(screen.queryByTestId('edit-error')).toBeNull();
    expect(approve.disabled).toBe(false);
    fireEvent.click(approve);
    expect(decideCalls()).toEqual([
      { runId: RUN_ID, callId: 'call_t2', decision: 'approved', editedInput: { path: 'fixed.py', content: 'x' } },
    ]);
    await screen.findByText('Approved; the run goes on…');
  });

  it('Back to fields refuses invalid JSON with the error, and stays in the JSON editor', () => {
    renderPanel(onePending());
    fireEvent.click(screen.getByTestId('edit-approve'));
    fireEvent.click(screen.getByRole('button', { name: 'Edit as JSON' }));
    const json = screen.getByTestId('edit-input');
    fireEvent.change(json, { target: { value: '{"path": ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Back to fields' }));
    expect(screen.getByTestId('edit-input')).toBe(json);
    expect(screen.queryByTestId('edit-field')).toBeNull();
    expect(screen.getByTestId('edit-error').textContent).toMatch(/^Not valid JSON: /);

    fireEvent.change(json, { target: { value: '{"command": "ls"}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Back to fields' }));
    expect(screen.getByTestId('edit-error').textContent).toBe('This input no longer has the fields of a write call.');
    expect(calls).toEqual([]);

    // Correcting the JSON clears the refusal: no stale error beside a valid input.
    fireEvent.change(json, { target: { value: '{"path": "a.py", "content": "x"}' } });
    expect(screen.queryByTestId('edit-error')).toBeNull();
  });

  it('"Approve all" appears with two waiting calls and approves each in turn', async () => {
    renderPanel(twoPending());
    expect(screen.getByText('2 calls wait for your approval')).toBeTruthy();
    expect(screen.getAllByTestId('approval').map((item) => item.dataset.callId)).toEqual(['call_w', 'call_b']);
    expect(within(card('call_b')).getByText('$ pip install scikit-learn')).toBeTruthy();
    const approveAll = screen.getByRole('button', { name: 'Approve all' }) as HTMLButtonElement;
    expect(approveAll.dataset.testid).toBe('approve-all');

    fireEvent.click(approveAll);
    await waitFor(() => expect(card('call_b').dataset.state).toBe('sent'));
    expect(decideCalls()).toEqual([
      { runId: RUN_ID, callId: 'call_w', decision: 'approved' },
      { runId: RUN_ID, callId: 'call_b', decision: 'approved' },
    ]);
    expect(card('call_w').dataset.state).toBe('sent');
    expect(screen.getAllByText('Approved; the run goes on…')).toHaveLength(2);
    expect(approveAll.disabled).toBe(true);
  });

  it('"Approve all" skips a call already answered', async () => {
    renderPanel(twoPending());
    fireEvent.change(within(card('call_w')).getByTestId('reject-feedback'), { target: { value: 'no' } });
    fireEvent.click(within(card('call_w')).getByTestId('reject'));
    await waitFor(() => expect(card('call_w').dataset.state).toBe('sent'));
    fireEvent.click(screen.getByTestId('approve-all'));
    await waitFor(() => expect(card('call_b').dataset.state).toBe('sent'));
    expect(decideCalls()).toEqual([
      { runId: RUN_ID, callId: 'call_w', decision: 'rejected', feedback: 'no' },
      { runId: RUN_ID, callId: 'call_b', decision: 'approved' },
    ]);
  });

  it('the key `a` approves the first waiting call; `r` moves to its feedback', async () => {
    renderPanel(twoPending());
    fireEvent.keyDown(window, { key: 'r' });
    expect(document.activeElement).toBe(within(card('call_w')).getByTestId('reject-feedback'));
    // Typed into the feedback, `a` is a letter, not an answer.
    fireEvent.keyDown(document.activeElement!, { key: 'a' });
    expect(calls).toEqual([]);

    (document.activeElement as HTMLElement).blur();
    await act(async () => {
      fireEvent.keyDown(window, { key: 'a' });
      await Promise.resolve();
    });
    expect(decideCalls()).toEqual([{ runId: RUN_ID, callId: 'call_w', decision: 'approved' }]);
    await waitFor(() => expect(card('call_w').dataset.state).toBe('sent'));
  });

  it('a refused decision shows the error, and one this Looplab does not hold reports the run detached', async () => {
    decideResult = {
      ok: false,
      error: { code: 'not_found', message: 'No approval call_t2 is waiting here.', hint: 'The run is held elsewhere.' },
    };
    const { onDetached } = renderPanel(onePending());
    fireEvent.click(screen.getByTestId('approve'));
    const error = await screen.findByTestId('approval-error');
    expect(error.textContent).toContain('No approval call_t2 is waiting here.');
    expect(error.textContent).toContain('The run is held elsewhere.');
    expect(onDetached).toHaveBeenCalledTimes(1);
    expect(card('call_t2').dataset.state).toBe('error');
    // The answers stay available to try again.
    expect((screen.getByTestId('approve') as HTMLButtonElement).disabled).toBe(false);
  });

  it('loads a blob-stored input in full before editing it, through the bridge', async () => {
    const events = onePending();
    const finished = events.find((event) => event.type === 'model.finished')!;
    if (finished.type !== 'model.finished') throw new Error('no model.finished');
    const write = finished.payload.toolCalls.find((call) => call.id === 'call_t2')!;
    write.args = { path: 'train.py', content: { $blob: BLOB_HASH, size: 9000, preview: 'print("the full' } };

    renderPanel(events);
    fireEvent.click(screen.getByTestId('edit-approve'));
    const content = await waitFor(() => {
      const field = screen.getAllByTestId('edit-field').find((item) => item.dataset.field === 'content');
      if (field === undefined) throw new Error('no content field yet');
      return field as HTMLTextAreaElement;
    });
    expect(content.value).toBe(BLOB_TEXT);
    expect(calls).toEqual([{ channel: 'blobs.get', input: { hash: BLOB_HASH } }]);

    fireEvent.click(screen.getByTestId('approve-edited'));
    expect(decideCalls()).toEqual([
      {
        runId: RUN_ID,
        callId: 'call_t2',
        decision: 'approved',
        editedInput: { path: 'train.py', content: BLOB_TEXT },
      },
    ]);
    await screen.findByText('Approved; the run goes on…');
  });
});

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
  it('shows an edit as removed and added lines numbered as in the file written earlier', () => {
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
    expect([...removed.querySelectorAll('.hljs-number')].map((node) => node.textContent)).toEqual(['0.1']);
  });

  it('shows a write over a file written earlier as its diff, and a write to a new path as a new file', () => {
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
    expect([...code.querySelectorAll('.hljs-keyword')].map((node) => node.textContent)).toEqual(['def', 'return']);
  });

  it('shows an edit of a file the run has not seen as its own lines, without file line numbers', () => {
    const events = changeOfWrittenFile('edit', { path: 'other.py', old_str: 'a = 1', new_str: 'a = 2' });
    renderPanel(events);
    const edit = card('call_c');
    expect(within(edit).getByText(/where in the file is not known/)).toBeTruthy();
    expect(diffRows(edit)).toEqual(['. . removed a = 1', '. . added a = 2']);
  });

  it('asks whether a run that repeats itself goes on, and sends the note the agent reads', async () => {
    const stall =
      'The agent repeated the same read call 4 times with identical results. Go on (with a note for the agent), or stop the run?';
    renderPanel(
      toEvents([
        { type: 'run.created', payload: sampleCreated() },
        { type: 'approval.requested', payload: { callId: 'stall_c4', tool: 'read', summary: stall, kind: 'stall' } },
      ]),
    );
    const question = card('stall_c4');
    expect(within(question).getByText(stall)).toBeTruthy();
    expect(within(question).queryByRole('button', { name: 'Edit, then approve' })).toBeNull();
    fireEvent.change(within(question).getByRole('textbox', { name: 'Note for the agent' }), {
      target: { value: 'Wait for epoch 2.' },
    });
    fireEvent.click(within(question).getByRole('button', { name: 'Go on' }));
    expect(decideCalls()).toEqual([
      { runId: RUN_ID, callId: 'stall_c4', decision: 'approved', feedback: 'Wait for epoch 2.' },
    ]);
    expect(await within(question).findByText('Going on…')).toBeTruthy();
  });
});
