import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from './events';
import { jobIdOfNode, reduceJobs } from './run-jobs';

function events(drafts: (EventDraft & { time: number })[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ ...draft, runId: 'run_a', seq }) as RunEvent);
}

/** A job started with no watches and never resumed. */
const unsupervised = { watches: [], resume: 'manual', fired: [], progress: undefined, resumes: [] };

describe('a run’s jobs', () => {
  it('folds each job’s state, metric series and artifacts from its events', () => {
    const log = events([
      {
        type: 'job.started',
        payload: { jobId: 'job_1', callId: 'call_1', command: 'python3 train.py', gpu: false },
        time: 10_000,
      },
      { type: 'job.metric', payload: { jobId: 'job_1', step: 0, values: { loss: 0.9, accuracy: 0.5 } }, time: 10_500 },
      { type: 'job.started', payload: { jobId: 'job_2', command: 'python3 eval.py', gpu: true }, time: 11_000 },
      { type: 'job.metric', payload: { jobId: 'job_1', step: 1, values: { loss: 0.4 } }, time: 11_000 },
      { type: 'job.metric', payload: { jobId: 'job_1', values: { accuracy: 0.9 } }, time: 12_000 },
      { type: 'job.metric', payload: { jobId: 'job_9', step: 1, values: { loss: 1 } }, time: 12_100 },
      { type: 'artifact.recorded', payload: { path: 'outputs/model.pkl', bytes: 2048, jobId: 'job_1' }, time: 12_500 },
      { type: 'job.finished', payload: { jobId: 'job_1', status: 'succeeded', exitCode: 0 }, time: 13_000 },
    ]);
    expect(reduceJobs(log)).toEqual([
      {
        jobId: 'job_1',
        callId: 'call_1',
        command: 'python3 train.py',
        gpu: false,
        target: 'local',
        state: 'succeeded',
        exitCode: 0,
        startedAt: 10_000,
        endedAt: 13_000,
        series: [
          { name: 'loss', axis: 'step', x: [0, 1], y: [0.9, 0.4] },
          { name: 'accuracy', axis: 'time', x: [0.5, 2], y: [0.5, 0.9] },
        ],
        artifacts: [{ path: 'outputs/model.pkl', bytes: 2048, seq: 6 }],
        ...unsupervised,
      },
      {
        jobId: 'job_2',
        callId: undefined,
        command: 'python3 eval.py',
        gpu: true,
        target: 'local',
        state: 'running',
        exitCode: null,
        startedAt: 11_000,
        endedAt: null,
        series: [],
        artifacts: [],
        ...unsupervised,
      },
    ]);
  });

  it('reads the job id of a job node only', () => {
    expect([jobIdOfNode('job:job_1'), jobIdOfNode('tool:call_1'), jobIdOfNode(null)]).toEqual([
      'job_1',
      undefined,
      undefined,
    ]);
  });
});
