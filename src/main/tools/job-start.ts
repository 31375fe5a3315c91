// Starts a long command (training, evaluation) as a background job and returns its id at once.
import { z } from 'zod';
import { jobResumeSchema, jobWatchesSchema } from '../../shared/job-watches';
import { defineTool } from '../core/tool';
import { forModel, type JobControl, type JobTarget } from './job-common';

const DEFAULT_TIMEOUT_SECONDS = 3600;

const input = z.object({
  command: z
    .string()
    .min(1)
    .max(100_000)
    .describe('A bash command, run in /workspace, e.g. `python3 train.py --epochs 20`.'),
  gpu: z.boolean().optional().describe('Give the job the machine’s NVIDIA GPUs (the person is asked first).'),
  timeout: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional()
    .describe(`Seconds before the job is killed (default ${DEFAULT_TIMEOUT_SECONDS}).`),
  watches: jobWatchesSchema
    .optional()
    .describe(
      'What to watch for while it runs; a watch that fires wakes you (and a job_status that waits) with what it saw. Kinds: {"kind": "non_finite", "metric": "loss"} (NaN or infinite; any metric without "metric"), {"kind": "plateau", "metric": "eval_loss", "logs": 5, "minDelta": 0.001, "better": "lower"}, {"kind": "silent", "minutes": 10} (no output), {"kind": "eta_over_budget"} (its progress, e.g. 12/100, says it ends past the run’s time budget or its timeout). The run’s defaults when absent.',
    ),
  resume: jobResumeSchema
    .optional()
    .describe(
      '"auto": when the job is killed (out of memory, docker kill, a restart), run it again from the newest checkpoint-<step> folder it wrote under /workspace/outputs, with LOOPLAB_RESUME_FROM set to that folder. Default "manual" (job_resume).',
    ),
});

export function jobStartTool(jobs: JobControl, target: JobTarget) {
  return defineTool({
    name: 'job_start',
    description: [
      'Start a command as a background job: use it for training, evaluation or anything else that takes more than a minute (bash is for quick commands).',
      'The job runs in its own sandbox container with the same /workspace, and job_start returns its id at once.',
      'Print metrics as one JSON object per line, e.g. {"step": 10, "loss": 0.31, "accuracy": 0.87}: each such line is recorded as a metric, with step as the x-axis.',
      'Files the job writes under /workspace/outputs are recorded as the run’s artifacts.',
      'Follow it with job_status (which can wait for the end) and job_logs; stop it with job_cancel.',
    ].join(' '),
    input,
    risk: 'exec',
    riskOf: ({ gpu }) => (gpu === true ? 'gpu' : 'exec'),
    summarize: ({ command, gpu, timeout = DEFAULT_TIMEOUT_SECONDS }) =>
      `job${gpu === true ? ' on the GPU' : ''} (timeout ${timeout} s): ${command}`,
    run: async ({ command, gpu = false, timeout = DEFAULT_TIMEOUT_SECONDS, watches, resume }, ctx) => {
      const request = { command, gpu, timeoutSeconds: timeout, callId: ctx.callId, watches, resume };
      const started = await forModel(() => jobs.start(target, request));
      return {
        output: [
          `Started ${started.jobId}${gpu ? ' on the GPU' : ''}: ${command}`,
          `Its output goes to ${started.logPath}. Follow it with job_status (wait up to 600 s for it to end) and job_logs; stop it with job_cancel.`,
        ].join('\n'),
      };
    },
  });
}
