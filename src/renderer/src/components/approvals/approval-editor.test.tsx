// @vitest-environment happy-dom
// Edit-then-approve as a person uses it: the call's input as fields or as JSON, what a wrong JSON
// says, a blob-stored input loaded in full first, and the edited input sent with the approval.
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BLOB_HASH, BLOB_TEXT, installRecordingBridge } from './approval-bridge-kit';
import { onePending, renderPanel, RUN_ID } from './approval-test-kit';

const { calls, decideCalls } = installRecordingBridge();

describe('ApprovalEditor', () => {
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
