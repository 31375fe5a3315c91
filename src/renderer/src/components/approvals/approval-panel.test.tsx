// @vitest-environment happy-dom
// The approval panel as a person uses it: what a pending call shows, and which `approvals.decide`
// request each answer sends. The main process is reached through `window.api`, the bridge seam the
// preload fills in Electron; here it is a recording LooplabBridge.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestChannel } from '../../../../shared/channels';
import type { ApiResult, LooplabBridge } from '../../../../shared/contract';
import { sampleCreated } from '../../../../../tests/fixtures/sample-run';
import { card, onePending, renderPanel, RUN_ID, toEvents, twoPending } from './approval-test-kit';

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
