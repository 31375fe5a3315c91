import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClock,
  formatCompact,
  formatCost,
  formatDateTime,
  formatDuration,
  formatMetric,
  formatRelative,
  formatSize,
  oneLine,
  runDuration,
} from './format';

describe('format', () => {
  it('writes counts compactly', () => {
    expect([0, 950, 4620, 12_400, 999_499, 1_234_567, 45_000_000].map(formatCompact)).toEqual([
      '0',
      '950',
      '4.6k',
      '12k',
      '999k',
      '1.2M',
      '45M',
    ]);
  });

  it('writes money with enough digits for cheap calls', () => {
    expect([0, 0.0004, 0.0123, 0.5, 3.456, 140.2].map(formatCost)).toEqual([
      '$0',
      '<$0.001',
      '$0.012',
      '$0.500',
      '$3.46',
      '$140',
    ]);
  });

  it('says how long ago, then falls back to a date', () => {
    const now = new Date(2025, 2, 14, 12, 0, 0).getTime();
    const ago = (ms: number) => formatRelative(now - ms, now);
    expect([ago(-5_000), ago(10_000), ago(3 * 60_000), ago(5 * 3_600_000), ago(2 * 86_400_000)]).toEqual([
      'just now',
      'just now',
      '3 min ago',
      '5 h ago',
      '2 d ago',
    ]);
    expect(ago(30 * 86_400_000)).toBe('2025-02-12');
  });

  it('writes local times to the second and to the millisecond', () => {
    const time = new Date(2025, 2, 4, 9, 6, 3, 42).getTime();
    expect([formatDateTime(time), formatClock(time)]).toEqual(['2025-03-04 09:06:03', '09:06:03.042']);
  });

  it('writes durations at a useful precision', () => {
    expect([850, 4_250, 12_300, 245_000, 7_380_000, 277_200_000].map(formatDuration)).toEqual([
      '850 ms',
      '4.3 s',
      '12 s',
      '4m 05s',
      '2h 03m',
      '3d 5h',
    ]);
  });

  it('measures a run to its end, or to its latest event while it goes on', () => {
    expect(runDuration({ createdAt: 1_000, updatedAt: 9_000, endedAt: 5_000 })).toBe(4_000);
    expect(runDuration({ createdAt: 1_000, updatedAt: 9_000, endedAt: null })).toBe(8_000);
  });

  it('writes sizes in KB or MB', () => {
    expect([100, 9_115, 20_480, 3_500_000].map(formatSize)).toEqual(['1 KB', '9 KB', '20 KB', '3.3 MB']);
  });

  it('writes byte counts in the largest fitting unit', () => {
    expect([512, 1024, 9_115, 17_549_312, 1_073_741_824, 3 * 1024 ** 4].map(formatBytes)).toEqual([
      '512 B',
      '1 KB',
      '8.9 KB',
      '17 MB',
      '1 GB',
      '3 TB',
    ]);
  });

  it('writes metric values with four significant digits', () => {
    expect([0.81, 0.812345, 3, 1234.5678, 0.0000152, Number.NaN].map(formatMetric)).toEqual([
      '0.81',
      '0.8123',
      '3',
      '1235',
      '1.52e-5',
      'NaN',
    ]);
  });

  it('flattens text to one cut line', () => {
    expect(oneLine('a\n  b\tc', 10)).toBe('a b c');
    expect(oneLine('abcdefghijkl', 5)).toBe('abcd…');
  });
});
