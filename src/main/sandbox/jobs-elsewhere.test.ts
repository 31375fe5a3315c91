// Finding a scheduler's jobs again after a restart: what the target says of a job (its run, its workspace
// folder here) is kept beside the job's own files there, which its code can rewrite, so a job is watched
// again only where this machine started it: its log is in the workspace it names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events';
import { findElsewhere } from './jobs-elsewhere';
import type { JobBackend, JobHandle } from './jobs-handle';
import type { WatchedJob } from './jobs-watch-types';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'looplab-elsewhere-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const handle = { remove: async () => undefined } as unknown as JobHandle;

function backendFinding(jobs: WatchedJob[]): JobBackend {
  return { find: async () => jobs.map((job) => ({ job, handle, running: true })) } as unknown as JobBackend;
}

function job(workspaceFolder: string): WatchedJob {
  const base = { jobId: 'job_a', runId: 'run_a', containerName: 'looplab-job-00000000-job_a', gpu: false };
  return { ...base, workspaceFolder, startedAt: Date.now(), timeoutSeconds: 600 };
}

const started: RunEvent[] = [
  {
    seq: 1,
    runId: 'run_a',
    time: Date.now(),
    type: 'job.started',
    payload: { jobId: 'job_a', command: 'python train.py', gpu: false, timeoutSeconds: 600, target: 'hpc' },
  },
];

const context = {
  homeHash: '0'.repeat(64),
  log: { loadEvents: () => started },
  leases: undefined,
  handled: () => false,
};

describe('jobs found again on a scheduler target', () => {
  it('watches a job again in the workspace that holds its log', async () => {
    const workspace = join(root, 'run_a');
    mkdirSync(join(workspace, '.looplab', 'jobs'), { recursive: true });
    writeFileSync(join(workspace, '.looplab', 'jobs', 'job_a.log'), 'step one\n');
    const found = await findElsewhere(backendFinding([job(workspace)]), context);
    expect(found.map((each) => each.job.workspaceFolder)).toEqual([workspace]);
    expect(found[0]?.resume.logLines).toBe(1);
  });

  it('ignores a job whose folder there names another folder of this machine', async () => {
    const elsewhere = join(root, 'home', 'me', '.ssh');
    mkdirSync(elsewhere, { recursive: true });
    expect(await findElsewhere(backendFinding([job(elsewhere)]), context)).toEqual([]);
  });
});
