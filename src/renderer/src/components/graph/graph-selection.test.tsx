// @vitest-environment happy-dom
// Choosing in the run graph: a click selects a step, one of its calls or a job; the arrow keys step the
// selection along the loop and across to its branches; the runs around this one open from their nodes.
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sampleCreated, sampleRunDrafts } from '../../../../../tests/fixtures/sample-run';
import type { ChildRun } from '../../../../shared/loop-graph';
import { allEvents, nodeById, redraw, renderGraph, toEvents, withFixedSize } from './graph-test-kit';

withFixedSize();

describe('selecting in the run graph', () => {
  it('calls onSelect with the step, call or job clicked, and marks what is selected', async () => {
    const { onSelect, rerender } = await renderGraph(allEvents);
    fireEvent.click(nodeById('model:call_m1'));
    expect(onSelect).toHaveBeenLastCalledWith('model:call_m1');
    fireEvent.click(within(nodeById('model:call_m1')).getAllByTestId('graph-call')[0]!);
    expect(onSelect).toHaveBeenLastCalledWith('tool:call_t1');
    fireEvent.click(nodeById('job:job_1'));
    expect(onSelect).toHaveBeenLastCalledWith('job:job_1');
    expect(onSelect).toHaveBeenCalledTimes(3);
    expect(nodeById('job:job_1').classList.contains('selected')).toBe(false);

    redraw(rerender, 'job:job_1', onSelect);
    expect(nodeById('job:job_1').classList.contains('selected')).toBe(true);
    redraw(rerender, 'tool:call_t2', onSelect);
    const step = nodeById('model:call_m1');
    expect(step.classList.contains('holds-selected')).toBe(true);
    expect(
      within(step)
        .getAllByTestId('graph-call')
        .map((call) => call.classList.contains('selected')),
    ).toEqual([false, true]);
  });

  it('steps the selection with the arrow keys: along the loop, down to a job, and back', async () => {
    const { onSelect, rerender } = await renderGraph(allEvents);
    const graph = screen.getByTestId('run-graph');
    const press = (key: string, selectedId: string | null) => {
      redraw(rerender, selectedId, onSelect);
      fireEvent.keyDown(graph, { key });
      return onSelect.mock.lastCall?.[0];
    };
    expect(press('ArrowRight', null)).toBe('start');
    expect(press('ArrowRight', 'start')).toBe('model:call_m1');
    expect(press('ArrowRight', 'tool:call_t1')).toBe('model:call_m2');
    expect(press('ArrowDown', 'model:call_m2')).toBe('job:job_1');
    expect(press('ArrowUp', 'job:job_1')).toBe('model:call_m2');
    expect(press('ArrowRight', 'job:job_1')).toBe('evaluation:eval_1');
    expect(press('ArrowLeft', 'model:call_m2')).toBe('model:call_m1');
    expect(press('Escape', 'model:call_m1')).toBeNull();
  });

  it('draws the parent run and child runs, each a click from opening', async () => {
    const forked = toEvents([
      { type: 'run.created', payload: { ...sampleCreated(), origin: 'fork', parent: { runId: 'run_parent', seq: 4 } } },
      ...sampleRunDrafts(),
    ]);
    const children: ChildRun[] = [
      { runId: 'run_child', relation: 'replay', seq: null, status: 'finished', title: 'Again' },
    ];
    const { onOpenRun } = await renderGraph(forked, null, children);
    fireEvent.click(within(nodeById('parent:run_parent:4')).getByRole('button', { name: 'Open ↗' }));
    expect(onOpenRun).toHaveBeenLastCalledWith('run_parent');
    const child = nodeById('child:run_child');
    expect(child.querySelector('.graph-node-label span')?.textContent).toBe('replay · Again');
    fireEvent.click(within(child).getByRole('button', { name: 'Open ↗' }));
    expect(onOpenRun).toHaveBeenLastCalledWith('run_child');
  });
});
