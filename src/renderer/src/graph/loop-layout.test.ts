// The loop's layout: the goal on the left, steps in lines left to right, each attempt a box of its
// own lines, jobs below their step, and edges routed back to the left between lines.
import { describe, expect, it } from 'vitest';
import { exampleEvents } from '../../../../tests/fixtures/example-run';
import type { RunEvent } from '../../../shared/events';
import { buildLoopGraph } from '../../../shared/loop-graph';
import { buildGraph } from '../../../shared/run-graph';
import { columnsFor, layoutLoop, NODE_WIDTH, type Box } from './loop-layout';
import { stepFrom } from './loop-navigation';

/** The example, as its replay records it: with the example as its parent run. */
function replayEvents(): RunEvent[] {
  const [created, ...rest] = exampleEvents();
  if (created?.type !== 'run.created') throw new Error('the example starts with run.created');
  const parent = { runId: 'run_example', seq: 0 };
  return [{ ...created, payload: { ...created.payload, origin: 'replay', parent } }, ...rest];
}

const loop = buildLoopGraph(buildGraph(replayEvents()));

function inside(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layoutLoop', () => {
  const layout = layoutLoop(loop, 4);

  it('puts each attempt in a box of lines of at most the given count, and no nodes overlap', () => {
    const [first, second] = loop.groups;
    for (const group of [first!, second!]) {
      const box = layout.groups.get(group.id)!;
      for (const id of group.ids) expect(inside(layout.boxes.get(id)!, box)).toBe(true);
      const lines = new Set(group.ids.map((id) => layout.boxes.get(id)!.y));
      expect(lines.size).toBe(Math.ceil(group.ids.length / 4));
    }
    expect(layout.groups.get(second!.id)!.y).toBeGreaterThan(
      layout.groups.get(first!.id)!.y + layout.groups.get(first!.id)!.height,
    );
    const boxes = [...layout.boxes.values()];
    for (const [index, box] of boxes.entries()) {
      for (const other of boxes.slice(index + 1)) expect(overlap(box, other)).toBe(false);
    }
  });

  it('hangs a job below its step and the goal left of the loop, its parent above it', () => {
    for (const job of loop.branches.filter((item) => item.kind === 'job')) {
      const [box, step] = [layout.boxes.get(job.id)!, layout.boxes.get(job.owner!)!];
      expect(box.y).toBeGreaterThan(step.y + step.height);
      expect(box.x).toBeGreaterThan(step.x);
    }
    const goal = layout.boxes.get('start')!;
    const parent = layout.boxes.get(loop.branches.find((item) => item.kind === 'parent')!.id)!;
    expect(goal.x).toBe(0);
    expect(parent.y + parent.height).toBeLessThan(goal.y);
    expect(layout.boxes.get(loop.groups[0]!.ids[0]!)!.y).toBe(goal.y);
  });

  it('routes the retry from the first gate back to the left, into the second attempt', () => {
    const retry = loop.edges.find((edge) => edge.kind === 'retry')!;
    const points = layout.routes.get(retry.id)!;
    const [gate, target] = [layout.boxes.get(retry.source)!, layout.boxes.get(retry.target)!];
    expect(points[0]).toEqual({ x: gate.x + gate.width, y: gate.y + 20 });
    expect(points.at(-1)).toEqual({ x: target.x, y: target.y + 20 });
    // Through the gap between the attempts' boxes.
    const lane = points[2]!.y;
    const firstBox = layout.groups.get(loop.groups[0]!.id)!;
    expect(lane).toBeGreaterThan(firstBox.y + firstBox.height);
    expect(lane).toBeLessThan(layout.groups.get(loop.groups[1]!.id)!.y);
  });

  it('fits as many nodes on a line as the pane holds, between 2 and 12', () => {
    expect(columnsFor(300, 0.7)).toBe(2);
    expect(columnsFor(1200, 0.7)).toBe(5);
    expect(columnsFor(1e6, 0.7)).toBe(12);
    expect(layoutLoop(loop, 12).bounds.width).toBeGreaterThan(6 * NODE_WIDTH);
  });
});

describe('stepping with the keyboard', () => {
  const layout = layoutLoop(loop, 4);

  it('goes along the loop with ←/→ and across branches with ↑/↓', () => {
    expect(stepFrom(loop, layout, null, 'ArrowRight')).toBe('start');
    expect(stepFrom(loop, layout, 'start', 'ArrowRight')).toBe('model:call_1_3');
    expect(stepFrom(loop, layout, 'start', 'ArrowUp')).toMatch(/^parent:/);
    expect(stepFrom(loop, layout, 'model:call_3_12', 'ArrowDown')).toMatch(/^job:/);
    const gate = loop.groups[0]!.gate!;
    expect(stepFrom(loop, layout, gate, 'ArrowRight')).toBe(loop.groups[1]!.ids[0]);
    expect(stepFrom(loop, layout, loop.main.at(-1)!.id, 'ArrowRight')).toBeUndefined();
  });
});
