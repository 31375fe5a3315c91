import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../shared/events';
import { emptySummary } from '../../shared/run-summary';
import { newlyWaiting, statusMap } from './waiting-runs';

const run = (id: string, status: RunStatus) => ({ ...emptySummary(id, 0), status });

describe('newly waiting runs', () => {
  it('reports runs that have just started waiting, not those already waiting or seen first', () => {
    const first = [run('run_a', 'running'), run('run_b', 'waiting')];
    expect(newlyWaiting(null, first)).toEqual([]);
    const next = [run('run_a', 'waiting'), run('run_b', 'waiting'), run('run_c', 'waiting')];
    expect(newlyWaiting(statusMap(first), next).map((item) => item.id)).toEqual(['run_a', 'run_c']);
  });
});
