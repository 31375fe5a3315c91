// The last lines a job printed, from its log file in the workspace.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { forModel, jobIdInput, type JobControl, type JobTarget } from './job-common';

const input = z.object({
  job_id: jobIdInput,
  tail: z.number().int().min(1).max(2000).optional().describe('How many of the last lines (default 100).'),
});

export function jobLogsTool(jobs: JobControl, target: JobTarget) {
  return defineTool({
    name: 'job_logs',
    description:
      'Read the last lines a job printed (stdout and stderr together). Lines starting with [looplab] are notes from Looplab, such as how the job ended.',
    input,
    risk: 'read',
    summarize: ({ job_id, tail = 100 }) => `last ${tail} lines of ${job_id}`,
    run: async ({ job_id, tail = 100 }) => {
      const lines = await forModel(() => jobs.logs(target, job_id, tail));
      return { output: lines.length === 0 ? `${job_id} has printed nothing yet.` : lines.join('\n') };
    },
  });
}
