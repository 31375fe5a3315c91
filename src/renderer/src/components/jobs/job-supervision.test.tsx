// @vitest-environment happy-dom
// The jobs panel's account of a supervised job: its progress while it runs, what it is watched for, each
// watch that fired and each resume from a checkpoint, read from the run's events.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../../../shared/events';
import { reduceJobs } from '../../../../shared/run-jobs';
import { JobSupervision } from './job-supervision';

afterEach(() => cleanup());

const loss = { kind: 'non_finite' as const, metric: 'loss' };

function jobOf(drafts: EventDraft[]) {
  const events = drafts.map((draft, seq) => ({ runId: 'run_s', seq, time: Date.now(), ...draft }) as RunEvent);
  return reduceJobs(events)[0]!;
}

it('says what the job is watched for, what fired, its progress and its resume', () => {
  const job = jobOf([
    {
      type: 'job.started',
      payload: { jobId: 'job_a', command: 'python3 train.py', gpu: true, watches: [loss], resume: 'auto' },
    },
    { type: 'job.progress', payload: { jobId: 'job_a', done: 12, total: 100, etaSeconds: 840 } },
    { type: 'job.watch', payload: { jobId: 'job_a', watch: loss, message: 'loss is NaN', step: 5 } },
    {
      type: 'job.resumed',
      payload: { jobId: 'job_a', checkpoint: 'outputs/checkpoint-400', fromStep: 400, auto: true },
    },
  ]);
  render(<JobSupervision job={job} />);
  expect(screen.getByTestId('job-progress').textContent).toBe('12/100 · about 14m 00s left');
  expect(screen.getByTestId('job-watches').textContent).toMatch(/^Watching: .*loss.* · resumes by itself when killed$/);
  expect(screen.getByTestId('job-watch-fired').textContent).toMatch(/^loss is NaN at step 5 · /);
  expect(screen.getByTestId('job-resumed').textContent).toBe('resumed from outputs/checkpoint-400 (by itself)');
});

it('shows nothing for a job nobody watches', () => {
  const job = jobOf([{ type: 'job.started', payload: { jobId: 'job_b', command: 'true', gpu: false } }]);
  render(<JobSupervision job={job} />);
  expect(screen.queryByTestId('job-supervision')).toBeNull();
});
