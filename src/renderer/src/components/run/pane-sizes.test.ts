import { describe, expect, it } from 'vitest';
import { defaultPaneSizes, parsePaneSizes } from './pane-sizes';

describe('pane sizes', () => {
  it('reads what was stored, and the defaults for nothing or garbage', () => {
    expect(parsePaneSizes(JSON.stringify({ graph: 0.3, side: 0.5, maximized: 'details' }))).toEqual({
      graph: 0.3,
      side: 0.5,
      maximized: 'details',
    });
    expect(parsePaneSizes(null)).toEqual(defaultPaneSizes);
    expect(parsePaneSizes('{not json')).toEqual(defaultPaneSizes);
    expect(parsePaneSizes(JSON.stringify({ graph: 'big', maximized: 'all' }))).toEqual(defaultPaneSizes);
  });

  it('keeps every pane visible: shares are held within their limits', () => {
    expect(parsePaneSizes(JSON.stringify({ graph: 0.99, side: 0.01 }))).toMatchObject({ graph: 0.85, side: 0.2 });
  });
});
