// Starts a long command (training, evaluation) as a background job and returns its id at once.
import { z } from 'zod';
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
    run: async ({ command, gpu = false, timeout = DEFAULT_TIMEOUT_SECONDS }, ctx) => {
      const started = await forModel(() =>
        jobs.start(target, { command, gpu, timeoutSeconds: timeout, callId: ctx.callId }),
      );
      return {
        output: [
          `Started ${started.jobId}${gpu ? ' on the GPU' : ''}: ${command}`,
          `Its output goes to ${started.logPath}. Follow it with job_status (wait up to 600 s for it to end) and job_logs; stop it with job_cancel.`,
        ].join('\n'),
      };
    },
  });
}
