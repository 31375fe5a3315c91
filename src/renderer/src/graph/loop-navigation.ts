// Stepping through the loop graph with the keyboard: ←/→ along the loop (a branch steps back to the
// node it hangs from, or on to the next one), ↑/↓ to the nearest node above or below (a step's job,
// the line before or after, the run it came from).
import type { LoopGraph, LoopNode } from '../../../shared/loop-graph';
import { holds } from './flow-elements';
import type { Box, LoopLayout } from './loop-layout';

export type StepKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

/** The loop node an id stands for: itself, or the step one of whose calls it is. */
export function itemOf(loop: LoopGraph, id: string | null): LoopNode | undefined {
  if (id === null) return undefined;
  return loop.main.find((item) => holds(item, id)) ?? loop.branches.find((item) => item.id === id);
}

function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function along(loop: LoopGraph, item: LoopNode, key: 'ArrowLeft' | 'ArrowRight'): string | undefined {
  const ownerIndex = item.owner === null ? -1 : loop.main.findIndex((candidate) => candidate.id === item.owner);
  if (item.owner !== null) {
    if (key === 'ArrowLeft') return item.owner;
    return loop.main[ownerIndex + 1]?.id ?? item.owner;
  }
  const index = loop.main.indexOf(item);
  return loop.main[index + (key === 'ArrowRight' ? 1 : -1)]?.id;
}

function across(layout: LoopLayout, id: string, down: boolean): string | undefined {
  const from = layout.boxes.get(id);
  if (from === undefined) return undefined;
  const start = centre(from);
  let best: { id: string; cost: number } | undefined;
  for (const [candidate, box] of layout.boxes) {
    if (candidate === id) continue;
    const point = centre(box);
    const dy = down ? point.y - start.y : start.y - point.y;
    if (dy <= 1) continue;
    const cost = dy + 3 * Math.abs(point.x - start.x);
    if (best === undefined || cost < best.cost) best = { id: candidate, cost };
  }
  return best?.id;
}

/** Where a key moves the selection from `current`; the first node when nothing is selected. */
export function stepFrom(
  loop: LoopGraph,
  layout: LoopLayout,
  current: string | null,
  key: StepKey,
): string | undefined {
  const item = itemOf(loop, current);
  if (item === undefined) return loop.main[0]?.id;
  if (key === 'ArrowLeft' || key === 'ArrowRight') return along(loop, item, key);
  return across(layout, item.id, key === 'ArrowDown');
}
