import { describe, expect, it } from 'vitest';
import { TIMELINE_TAIL, timelineStart } from './timeline-window';

describe('timeline window', () => {
  it('renders short runs whole and long runs from their newest events', () => {
    expect(timelineStart(23, 0, undefined)).toBe(0);
    expect(timelineStart(5000, 0, undefined)).toBe(5000 - TIMELINE_TAIL);
    expect(timelineStart(5000, 1000, undefined)).toBe(5000 - TIMELINE_TAIL - 1000);
    expect(timelineStart(5000, 10_000, undefined)).toBe(0);
  });

  it('takes a shorter tail for richer entries', () => {
    expect(timelineStart(5000, 0, undefined, 100)).toBe(4900);
    expect(timelineStart(5000, 200, undefined, 100)).toBe(4700);
    expect(timelineStart(5000, 0, 120, 100)).toBe(100);
  });

  it('reaches back to an event that must come into view, with some context above it', () => {
    expect(timelineStart(5000, 0, 120)).toBe(100);
    expect(timelineStart(5000, 0, 4990)).toBe(5000 - TIMELINE_TAIL);
    expect(timelineStart(5000, 0, 5)).toBe(0);
  });
});
