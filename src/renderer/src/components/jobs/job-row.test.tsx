// @vitest-environment happy-dom
// A job's row in the jobs panel says where it runs: nothing more for this machine, the target's name
// for a job sent to another machine's engine.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { reduceJobs } from '../../../../shared/run-jobs';
import { JobRow } from './job-panel';

afterEach(() => cleanup());

function jobOf(draft: EventDraft) {
  return reduceJobs([{ runId: 'run_t', seq: 0, time: Date.now(), ...draft } as RunEvent])[0]!;
}

it('names the compute target of a job sent to another machine', () => {
  const job = jobOf({
    type: 'job.started',
    payload: { jobId: 'job_r', command: 'python3 train.py', gpu: true, target: 'gpu-box' },
  });
  render(<JobRow job={job} selected={false} onSelect={() => undefined} />);
  expect(screen.getByTestId('job-target').textContent).toBe('gpu-box · ');
  expect(screen.getByTestId('job-elapsed').textContent).toMatch(/^gpu-box · GPU · /);
});

it('says nothing of where a job on this machine runs', () => {
  const job = jobOf({ type: 'job.started', payload: { jobId: 'job_l', command: 'true', gpu: false } });
  render(<JobRow job={job} selected={false} onSelect={() => undefined} />);
  expect(screen.queryByTestId('job-target')).toBeNull();
});
