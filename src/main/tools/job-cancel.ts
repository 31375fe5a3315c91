// Stops a running job; it is recorded as cancelled.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { describeStatus, forModel, jobIdInput, type JobControl, type JobTarget } from './job-common';

const input = z.object({ job_id: jobIdInput });

export function jobCancelTool(jobs: JobControl, target: JobTarget) {
  return defineTool({
    name: 'job_cancel',
    description: 'Stop a running job (it gets 5 seconds to exit after SIGTERM). Its outputs so far are kept.',
    input,
    risk: 'exec',
    summarize: ({ job_id }) => `cancel ${job_id}`,
    run: async ({ job_id }) => {
      const before = await forModel(() => jobs.status(target.runId, job_id));
      const after = await forModel(() => jobs.cancel(target.runId, job_id));
      const heading = before.state === 'running' ? `Cancelled ${job_id}.` : `${job_id} had already ended.`;
      return { output: `${heading}\n${describeStatus(after)}` };
    },
  });
}
