// @vitest-environment happy-dom
// The approval panel as a person uses it: what a pending call shows, and which `approvals.decide`
// request each answer sends (edit-then-approve has tests of its own, approval-editor.test.tsx).
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sampleCreated } from '../../../../../tests/fixtures/sample-run';
import { installRecordingBridge } from './approval-bridge-kit';
import { card, onePending, renderPanel, RUN_ID, toEvents, twoPending } from './approval-test-kit';

const { calls, decideCalls, answerDecide } = installRecordingBridge();

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
    answerDecide({
      ok: false,
      error: { code: 'not_found', message: 'No approval call_t2 is waiting here.', hint: 'The run is held elsewhere.' },
    });
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
