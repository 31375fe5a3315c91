import { describe, expect, it } from 'vitest';
import { normalizeResult, sameResult } from './replay-normalize';

describe('replay normalisation', () => {
  it('replaces ids, container ids, times and durations, and nothing else', () => {
    const text = [
      'Started job_0mhx2k3l9abcdefgh in /home/me/workspaces/run_0mhx2k3l9zyxwvuts',
      'container 3f2a9c1be0d4 on host 3f2a9c1be0d4',
      'at 2026-11-26T23:43:35.123Z and Thu Nov 26 23:43:35 UTC 2026, epoch 1764200615123',
      'took 1.52 s (230ms), elapsed 0:00:03',
      'accuracy 0.91 on 120 rows, exit code 0',
    ].join('\n');
    expect(normalizeResult(text)).toBe(
      [
        'Started job_<id> in /home/me/workspaces/run_<id>',
        'container <id> on host <short id>',
        'at <time> and <time>, epoch <time>',
        'took <duration> (<duration>), elapsed <duration>',
        'accuracy 0.91 on 120 rows, exit code 0',
      ].join('\n'),
    );
  });

  it('tells results apart by what matters: the text and whether it failed', () => {
    const ok = { output: 'done in 2 s', isError: false };
    expect(sameResult(ok, { output: 'done in 3 s', isError: false })).toBe(true);
    expect(sameResult(ok, { output: 'done in 3 s', isError: true })).toBe(false);
    expect(sameResult({ output: 'f1 0.81', isError: false }, { output: 'f1 0.82', isError: false })).toBe(false);
  });
});
