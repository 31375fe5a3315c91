import { describe, expect, it } from 'vitest';
import { followMove } from './viewport';

describe('following a live run', () => {
  const container = { width: 800, height: 400 };

  it('fits a graph that stays readable when fitted', () => {
    const bounds = { x: -300, y: 0, width: 600, height: 450 };
    expect(followMove(bounds, { x: 0, y: 250 }, container, 1)).toEqual({ kind: 'fit' });
  });

  it('follows the newest node of a tall graph, keeping a readable zoom', () => {
    const bounds = { x: -300, y: 0, width: 600, height: 9000 };
    expect(followMove(bounds, { x: -94, y: 8950 }, container, 0.2)).toEqual({
      kind: 'center',
      x: 0,
      y: 8975 - 100 / 0.9,
      zoom: 0.9,
    });
    expect(followMove(bounds, { x: -94, y: 8950 }, container, 1.2)).toEqual({
      kind: 'center',
      x: 0,
      y: 8975 - 100 / 1.2,
      zoom: 1.2,
    });
  });

  it('does nothing before there is a node or a visible container', () => {
    const bounds = { x: 0, y: 0, width: 0, height: 0 };
    expect(followMove(bounds, undefined, container, 1)).toBeUndefined();
    expect(followMove(bounds, { x: 0, y: 0 }, { width: 0, height: 0 }, 1)).toBeUndefined();
  });
});
