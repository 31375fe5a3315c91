// @vitest-environment happy-dom
// What an MCP server asks the person, as a card: its message and a form of the fields it asks for; Send
// gives the answers, Decline says no, and "Approve all" or the `a` key never answer it unfilled.
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sampleCreated } from '../../../../../tests/fixtures/sample-run';
import { installRecordingBridge } from './approval-bridge-kit';
import { card, renderPanel, RUN_ID, toEvents } from './approval-test-kit';

const { decideCalls } = installRecordingBridge();

function asking() {
  return toEvents([
    { type: 'run.created', payload: sampleCreated() },
    {
      type: 'approval.requested',
      payload: {
        callId: 'elicit-1',
        tool: 'mcp__booking',
        summary: 'The MCP server booking asks: Who is travelling?',
        rule: 'an MCP server asks the person',
        kind: 'elicitation',
        form: {
          server: 'booking',
          message: 'Who is travelling?',
          fields: [
            { name: 'name', type: 'string', title: 'Name', required: true },
            { name: 'seats', type: 'integer', required: true },
            { name: 'window', type: 'boolean', required: false, default: false },
            { name: 'meal', type: 'string', required: false, options: ['standard', 'vegetarian'] },
          ],
        },
      },
    },
  ]);
}

describe('ElicitationCard', () => {
  it('shows the message and fields, and sends the answers once the required ones are filled', () => {
    renderPanel(asking());
    expect(screen.getByText('An MCP server asks you something')).toBeTruthy();
    const asked = card('elicit-1');
    expect(within(asked).getByText('booking asks')).toBeTruthy();
    expect(within(asked).getByText('Who is travelling?')).toBeTruthy();
    const send = within(asked).getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.keyDown(document.body, { key: 'a' });
    expect(decideCalls()).toEqual([]);
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByTestId('field-seats'), { target: { value: '2' } });
    fireEvent.click(screen.getByTestId('field-window'));
    fireEvent.change(screen.getByTestId('field-meal'), { target: { value: 'vegetarian' } });
    expect(send.disabled).toBe(false);
    fireEvent.click(send);
    expect(decideCalls()).toEqual([
      {
        runId: RUN_ID,
        callId: 'elicit-1',
        decision: 'approved',
        editedInput: { name: 'Ada', seats: '2', window: true, meal: 'vegetarian' },
      },
    ]);
  });

  it('Decline tells the server no', () => {
    renderPanel(asking());
    fireEvent.click(within(card('elicit-1')).getByRole('button', { name: 'Decline' }));
    expect(decideCalls()).toEqual([
      { runId: RUN_ID, callId: 'elicit-1', decision: 'rejected', feedback: 'Declined by the person.' },
    ]);
  });
});
