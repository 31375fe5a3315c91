// @vitest-environment happy-dom
// The transcript as a person reads a run: the goal and the model's words as markdown, each call's
// input highlighted (an edit as its diff), its approval and feedback, and outputs folded until opened.
// And the node inspector, which shows what a selected call does.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LARGE_OUTPUT_MARKER, sampleCreated, sampleRunDrafts } from '../../../../../tests/fixtures/sample-run';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { reduceRun } from '../../../../shared/run-state';
import { NodeInspector } from './node-inspector';
import { RunTranscript } from './run-transcript';
import { whenLoaded } from '../common/when-loaded';

afterEach(() => cleanup());

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_t', seq, time: draft.time ?? seq, ...draft }) as RunEvent);
}

const usage = { inputTokens: 10, outputTokens: 5, cost: 0 };
const editArgs = { path: 'train.py', old_str: 'print("training")', new_str: 'print("training, 3 epochs")' };

/** The sample run, then an edit of the file it wrote, and a command the person rejected. */
function runEvents(): RunEvent[] {
  const drafts = sampleRunDrafts();
  return toEvents([
    { type: 'run.created', payload: sampleCreated('Train a **baseline** on `tickets.csv`') },
    ...drafts.slice(0, -1),
    {
      type: 'model.finished',
      payload: {
        callId: 'call_m4',
        text: '| metric | value |\n| --- | --- |\n| macro F1 | 0.81 |',
        finishReason: 'tool_calls',
        usage,
        toolCalls: [
          { id: 'call_e', name: 'edit', args: editArgs },
          { id: 'call_rm', name: 'bash', args: { command: 'rm -rf data/' } },
        ],
      },
    },
    { type: 'tool.started', payload: { callId: 'call_e', tool: 'edit', args: editArgs } },
    { type: 'tool.finished', payload: { callId: 'call_e', output: 'Edited train.py', isError: false } },
    { type: 'approval.requested', payload: { callId: 'call_rm', tool: 'bash', summary: 'rm -rf data/' } },
    { type: 'approval.resolved', payload: { callId: 'call_rm', decision: 'rejected', feedback: 'Keep the data.' } },
    drafts.at(-1)!,
  ]);
}

function entries(kind: string): HTMLElement[] {
  return screen.getAllByTestId('transcript-entry').filter((entry) => entry.dataset.kind === kind);
}

describe('RunTranscript', () => {
  it('reads the run in order: goal, words as markdown, calls, plan and the end', async () => {
    render(<RunTranscript events={runEvents()} />);
    await whenLoaded();
    expect(screen.getAllByTestId('transcript-entry').map((entry) => entry.dataset.kind)).toEqual([
      'goal',
      'model',
      'call',
      'call',
      'plan',
      'model',
      'call',
      'note',
      'note',
      'evaluation',
      'model',
      'model',
      'call',
      'call',
      'note',
    ]);
    const [goal] = entries('goal');
    expect(within(goal!).getByText('baseline').tagName).toBe('STRONG');
    expect(within(goal!).getByText('tickets.csv').tagName).toBe('CODE');
    const table = within(entries('model').at(-1)!).getByRole('table');
    expect(
      within(table)
        .getAllByRole('row')
        .map((row) => row.textContent),
    ).toEqual(['metricvalue', 'macro F10.81']);
    expect(entries('note').map((note) => note.textContent)).toEqual([
      'job.started job_1 · python3 train.py',
      'job.finished job_1 · succeeded · exit 0',
      'run.status finished',
    ]);
    // An evaluation reads as a sentence; with no target it says only what the attempt scored.
    expect(entries('evaluation').map((card) => card.textContent)).toEqual(['•Attempt 1 scored macro_f1 0.81']);
  });

  it('tells an attempt below its target that the loop tries again, and one that reaches it', () => {
    const base = runEvents();
    const at = base.findIndex((event) => event.type === 'evaluation.recorded');
    const evaluation = (seq: number, value: number, attempt: number): RunEvent =>
      ({
        ...base[at]!,
        seq,
        type: 'evaluation.recorded',
        payload: { evalId: `eval_${attempt}`, metric: 'macro_f1', value, target: 0.85, attempt },
      }) as RunEvent;
    const status = (seq: number, value: 'finished' | 'running'): RunEvent =>
      ({ ...base[at]!, seq, type: 'run.status', payload: { status: value } }) as RunEvent;
    // The loop says it is done, the harness takes it back to evaluate: no "finished" in the middle.
    const flap = [status(900, 'finished'), status(901, 'running')];
    const events = [...base.slice(0, at), ...flap, evaluation(at, 0.79, 1), ...base.slice(at + 1)];
    events.splice(events.length - 1, 0, evaluation(1000, 0.8929, 2));
    render(<RunTranscript events={events} />);
    expect(entries('evaluation').map((card) => card.textContent)).toEqual([
      '✗Attempt 1 scored macro_f1 0.79 — below the 0.85 target, trying again',
      '✓Attempt 2 scored macro_f1 0.8929 — reaches the 0.85 target',
    ]);
    expect(entries('note').filter((note) => note.textContent?.startsWith('run.status'))).toHaveLength(1);
  });

  it('shows a command highlighted, with its output folded until opened', () => {
    render(<RunTranscript events={runEvents()} />);
    const [bash] = entries('call');
    expect(bash!.querySelector('code.language-bash')!.textContent).toBe('head -n 3 tickets.csv');
    expect(bash!.textContent).not.toContain(LARGE_OUTPUT_MARKER);
    const fold = within(bash!).getByRole('button', { name: '▸ output' });
    fireEvent.click(fold);
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    expect(bash!.textContent).toContain(LARGE_OUTPUT_MARKER);
  });

  it('shows a write as a new file, an edit (after a job, so unplaced) as its diff, a rejection with its feedback', () => {
    render(<RunTranscript events={runEvents()} />);
    const calls = entries('call');
    const write = calls[1]!;
    expect(within(write).getByText('new file')).toBeTruthy();
    expect(within(write).getByTestId('transcript-decision').textContent).toBe('Approved');
    const edit = calls[3]!;
    const rows = [...edit.querySelectorAll('tr.diff-line')].map(
      (row) => `${row.getAttribute('data-kind')} ${row.textContent}`,
    );
    expect(rows).toEqual(['removed -print("training")', 'added +print("training, 3 epochs")']);
    expect(within(edit).getByText(/where in the file is not known/)).toBeTruthy();
    const rejected = calls[4]!;
    expect(within(rejected).getByTestId('transcript-decision').textContent).toBe('RejectedKeep the data.');
    expect(rejected.querySelector('code.language-bash')!.textContent).toBe('rm -rf data/');
  });

  it('reads plan items as markdown inside their line', async () => {
    render(
      <RunTranscript
        events={toEvents([
          { type: 'run.created', payload: sampleCreated() },
          {
            type: 'plan.updated',
            payload: {
              items: [
                { text: 'Load `tickets.csv`', status: 'done' },
                { text: 'Tune **C** <b>now</b>', status: 'in_progress' },
              ],
            },
          },
        ])}
      />,
    );
    await whenLoaded();
    const [plan] = entries('plan');
    const items = within(plan!).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['● Load tickets.csv', '◐ Tune C <b>now</b>']);
    expect(within(items[0]!).getByText('tickets.csv').tagName).toBe('CODE');
    expect(within(items[1]!).getByText('C').tagName).toBe('STRONG');
    expect(plan!.querySelector('p, b')).toBeNull();
  });

  it('marks the entries of a selected graph node', () => {
    const events = runEvents();
    const started = events.find((event) => event.type === 'tool.started' && event.payload.callId === 'call_e')!;
    render(<RunTranscript events={events} highlight={new Set([started.seq])} />);
    const marked = screen.getAllByTestId('transcript-entry').filter((entry) => entry.className.includes('highlighted'));
    expect(marked.map((entry) => entry.querySelector('.transcript-tool')?.textContent)).toEqual(['edit']);
  });
});

describe('NodeInspector', () => {
  it('shows a selected edit call as its diff', () => {
    const events = runEvents();
    const node = reduceRun(events)!.graph.nodes.find((item) => item.id === 'tool:call_e')!;
    render(<NodeInspector node={node} caption="edit train.py" events={events} onClose={() => undefined} />);
    const call = screen.getByTestId('node-call');
    expect(within(call).getByText('train.py')).toBeTruthy();
    expect([...call.querySelectorAll('tr.diff-line')].map((row) => row.getAttribute('data-kind'))).toEqual([
      'removed',
      'added',
    ]);
  });

  it('shows a selected command as highlighted bash', () => {
    const events = runEvents();
    const node = reduceRun(events)!.graph.nodes.find((item) => item.id === 'tool:call_t1')!;
    render(<NodeInspector node={node} caption="bash" events={events} onClose={() => undefined} />);
    expect(screen.getByTestId('node-call').querySelector('code.language-bash')!.textContent).toBe(
      'head -n 3 tickets.csv',
    );
  });
});
