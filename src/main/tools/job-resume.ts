// Runs an ended job again from the newest checkpoint it wrote, keeping its id, log and metric series.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { RESUME_ENV } from '../sandbox/jobs-resume';
import { forModel, jobIdInput, type JobControl, type JobTarget } from './job-common';

const input = z.object({ job_id: jobIdInput });

export function jobResumeTool(jobs: JobControl, target: JobTarget) {
  return defineTool({
    name: 'job_resume',
    description: [
      'Run a job that was killed or failed again from the newest checkpoint-<step> folder it wrote under /workspace/outputs (Hugging Face Trainer output_dir style).',
      `Its command runs again unchanged, with ${RESUME_ENV} set to that folder: the script should pass it on (e.g. trainer.train(resume_from_checkpoint=os.environ.get("${RESUME_ENV}"))).`,
      'The job keeps its id, log and metric series; metric lines at or before the last recorded step are dropped.',
    ].join(' '),
    input,
    risk: 'exec',
    summarize: ({ job_id }) => `resume ${job_id} from its newest checkpoint`,
    run: async ({ job_id }, ctx) => {
      const status = await forModel(() => jobs.status(target.runId, job_id));
      const checkpoint = await forModel(() => jobs.resume(target, job_id, ctx.callId));
      const kept = status.lastStep === undefined ? '' : ` Metrics after step ${status.lastStep} are recorded.`;
      return {
        output: `Resumed ${job_id} from ${checkpoint.path} (${RESUME_ENV}=/workspace/${checkpoint.path}).${kept} Follow it with job_status.`,
      };
    },
  });
}
