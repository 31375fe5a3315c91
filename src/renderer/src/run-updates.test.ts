import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events';
import { emptySummary, type RunSummary } from '../../shared/run-summary';
import { appendEvents, upsertRun } from './run-updates';

function run(id: string, lastSeq: number): RunSummary {
  return { ...emptySummary(id, 0), lastSeq };
}

function event(seq: number): RunEvent {
  return { runId: 'run_a', seq, time: seq, type: 'run.status', payload: { status: 'running' } };
}

describe('run updates', () => {
  it('puts a new run on top and replaces a known one in place', () => {
    const list = [run('run_b', 3), run('run_a', 5)];
    expect(upsertRun(list, run('run_c', 0))).toEqual([run('run_c', 0), run('run_b', 3), run('run_a', 5)]);
    expect(upsertRun(list, run('run_a', 6))).toEqual([run('run_b', 3), run('run_a', 6)]);
  });

  it('keeps a newer summary over a late, older push', () => {
    const list = [run('run_a', 5)];
    expect(upsertRun(list, run('run_a', 4))).toBe(list);
  });

  it('appends only events it does not have, in seq order', () => {
    const seqs = (events: RunEvent[]) => events.map((item) => item.seq);
    expect(seqs(appendEvents([event(0), event(1)], [event(2), event(3)]))).toEqual([0, 1, 2, 3]);
    expect(seqs(appendEvents([event(0), event(1)], [event(1), event(2)]))).toEqual([0, 1, 2]);
    expect(seqs(appendEvents([event(0)], [event(3), event(2)]))).toEqual([0, 2, 3]);
    expect(seqs(appendEvents([], [event(0)]))).toEqual([0]);
  });
});
