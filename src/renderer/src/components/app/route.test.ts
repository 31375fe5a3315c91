import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './route';

describe('route', () => {
  it('names a run and a step of it, and reads them back', () => {
    for (const selection of [{ runId: 'run_abc123' }, { runId: 'run_abc123', seq: 14 }]) {
      expect(parseRoute(routeHash(selection))).toEqual(selection);
    }
    expect(routeHash(null)).toBe('#/');
  });

  it('reads the home screen from an address that names no run', () => {
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#/')).toBeNull();
    expect(parseRoute('#/runs/not-a-run')).toBeNull();
    expect(parseRoute('#token=abc')).toBeNull();
  });

  it('keeps the run when a token follows it', () => {
    expect(parseRoute('#/runs/run_x1/3&token=ab12')).toEqual({ runId: 'run_x1', seq: 3 });
  });
});
