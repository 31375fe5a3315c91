// Tells whether a job runs or how it ended, with its latest metrics; can wait for it to end.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { describeStatus, forModel, jobIdInput, type JobControl, type JobTarget } from './job-common';

const input = z.object({
  job_id: jobIdInput,
  wait: z
    .number()
    .int()
    .min(0)
    .max(600)
    .optional()
    .describe('Seconds to wait for the job to end before answering (default 0: answer at once).'),
});

export function jobStatusTool(jobs: JobControl, target: JobTarget) {
  return defineTool({
    name: 'job_status',
    description:
      'Tell whether a job is running or how it ended (exit code, elapsed time), with its latest metrics, progress, watches and artifacts. Set wait to let it run that many seconds (or until it ends, or one of its watches fires) before answering, rather than asking again and again.',
    input,
    risk: 'read',
    summarize: ({ job_id }) => `status of ${job_id}`,
    run: async ({ job_id, wait = 0 }, ctx) => {
      const before = wait > 0 ? await forModel(() => jobs.status(target.runId, job_id)) : undefined;
      const status = await forModel(() => jobs.waitFor(target.runId, job_id, wait * 1000, ctx.signal));
      const woke = before !== undefined && status.state === 'running' && status.fired.length > before.fired.length;
      return { output: `${woke ? 'Stopped waiting: a watch fired.\n' : ''}${describeStatus(status)}` };
    },
  });
}
