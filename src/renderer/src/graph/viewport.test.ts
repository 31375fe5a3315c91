// Where the graph looks: the whole loop when it fits at a readable zoom, else its beginning; a live
// run's newest node low in the view; a selected node brought into view only when it is out of it.
import { describe, expect, it } from 'vitest';
import { follow, overview, OVERVIEW_ZOOM, reveal } from './viewport';

const container = { width: 800, height: 400 };

describe('the overview of a finished run', () => {
  it('fits the whole loop when it reads at that zoom, never above 1', () => {
    const small = overview({ x: 0, y: 0, width: 400, height: 200 }, container)!;
    expect(small.zoom).toBe(1);
    const wide = overview({ x: 0, y: 0, width: 1520, height: 500 }, container)!;
    expect(wide.zoom).toBeCloseTo(0.5);
    // Centred across, and below the legend.
    expect(wide.x + (1520 / 2) * wide.zoom).toBeCloseTo(400);
  });

  it('shows the beginning of a loop too big to read whole', () => {
    const tall = overview({ x: -10, y: -40, width: 1000, height: 20_000 }, container)!;
    expect(tall.zoom).toBeCloseTo(0.76);
    expect(tall.x).toBeCloseTo(20 + 10 * tall.zoom);
    expect(tall.y).toBeCloseTo(48 + 40 * tall.zoom);
    const huge = overview({ x: 0, y: 0, width: 9000, height: 20_000 }, container)!;
    expect(huge.zoom).toBe(OVERVIEW_ZOOM);
  });

  it('does nothing before the container is measured', () => {
    expect(overview({ x: 0, y: 0, width: 100, height: 100 }, { width: 0, height: 0 })).toBeUndefined();
  });
});

describe('following a live run', () => {
  const newest = { x: 2000, y: 3000, width: 220, height: 60 };
  const bounds = { x: 0, y: 0, width: 2400, height: 3100 };

  it('keeps the newest node in view at a readable zoom', () => {
    const view = follow(bounds, newest, container, 0.2)!;
    expect(view.zoom).toBe(0.85);
    const centreX = (newest.x + newest.width / 2) * view.zoom + view.x;
    const centreY = (newest.y + newest.height / 2) * view.zoom + view.y;
    expect(centreX).toBeGreaterThan(0);
    expect(centreX).toBeLessThan(container.width);
    expect(centreY).toBeCloseTo(container.height * 0.72);
    expect(follow(bounds, newest, container, 1.2)!.zoom).toBe(1.2);
  });

  it('fits a graph that reads whole, and waits for a node', () => {
    expect(follow({ x: 0, y: 0, width: 600, height: 300 }, newest, container, 0.3)!.zoom).toBe(1);
    expect(follow({ x: 0, y: 0, width: 1200, height: 300 }, newest, container, 0.3)!.zoom).toBeCloseTo(0.633, 2);
    expect(follow(bounds, undefined, container, 1)).toBeUndefined();
  });
});

describe('revealing the selected node', () => {
  it('moves only when the node is out of view', () => {
    const view = { x: 0, y: 0, zoom: 1 };
    expect(reveal({ x: 100, y: 100, width: 200, height: 60 }, view, container)).toBeUndefined();
    const moved = reveal({ x: 1500, y: 100, width: 200, height: 60 }, view, container)!;
    expect(moved).toEqual({ x: 400 - 1600, y: 200 - 130, zoom: 1 });
  });
});
