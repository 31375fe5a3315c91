// Which job a container runs, as read back from Docker after a restart of the app.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './container-spec';
import { jobInspectSchema, watchedJob } from './jobs-containers';
import { jobLabels } from './jobs-spec';

const labels = jobLabels({
  jobId: 'job_1',
  runId: 'run_1',
  homeHash: 'abc123',
  callId: undefined,
  command: 'python train.py',
  gpu: false,
  timeoutSeconds: 3600,
  startedAt: 1_700_000_000_000,
  image: 'looplab-sandbox:ci',
  workspaceFolder: '/home/ada/.looplab/workspaces/run_1',
  network: 'none',
  user: '1000:1000',
  limits: DEFAULT_LIMITS,
  shmBytes: 2 * 1024 ** 3,
});

const inspected = (jobLabelSet: Record<string, string>, mountSource: string) =>
  jobInspectSchema.parse({
    Id: 'c0ffee',
    State: { Running: true, OOMKilled: false, ExitCode: 0, FinishedAt: '' },
    Config: { Labels: jobLabelSet, Cmd: ['bash'] },
    Mounts: [{ Source: mountSource, Destination: '/workspace' }],
  });

describe('a job container read back after a restart', () => {
  it('finds the workspace by the path this machine gave it, not the path Docker Desktop reports', () => {
    const info = inspected(labels, '/run/desktop/mnt/host/home/ada/.looplab/workspaces/run_1');
    expect(watchedJob(info, 'job_1')).toMatchObject({
      jobId: 'job_1',
      runId: 'run_1',
      workspaceFolder: '/home/ada/.looplab/workspaces/run_1',
      timeoutSeconds: 3600,
    });
  });

  it('falls back to the mount for a job started before the label existed', () => {
    const { 'dev.looplab.job.workspace': _dropped, ...older } = labels;
    const info = inspected(older, '/home/ada/.looplab/workspaces/run_1');
    expect(watchedJob(info, 'job_1')?.workspaceFolder).toBe('/home/ada/.looplab/workspaces/run_1');
  });
});
