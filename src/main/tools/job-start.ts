// Starts a long command (training, evaluation) as a background job and returns its id at once.
import { z } from 'zod';
import { jobResumeSchema, jobWatchesSchema } from '../../shared/job-watches';
import { MAX_JOB_TIMEOUT_SECONDS, type JobResources } from '../../shared/job-resources';
import { LOCAL_TARGET } from '../../shared/targets';
import { defineTool } from '../core/tool';
import { forModel, type JobControl, type JobTarget } from './job-common';

const input = z.object({
  command: z
    .string()
    .min(1)
    .max(100_000)
    .describe('A bash command, run in /workspace, e.g. `python3 train.py --epochs 20`.'),
  gpu: z.boolean().optional().describe('Give the job the machine’s NVIDIA GPUs (the person is asked first).'),
  gpu_memory_gb: z
    .number()
    .positive()
    .max(4096)
    .optional()
    .describe(
      'For a GPU job: the GPU memory it needs, in GB. When that fits beside the local model, the model stays loaded (and you keep working); otherwise it is unloaded until the job ends.',
    ),
  timeout: z
    .number()
    .int()
    .min(1)
    .max(MAX_JOB_TIMEOUT_SECONDS)
    .optional()
    .describe('Seconds before the job is killed (default: the run’s setting, else 24 hours).'),
  cpus: z.number().positive().max(256).optional().describe('CPUs the job may use (default: all of the machine’s).'),
  memory_gb: z
    .number()
    .positive()
    .max(4096)
    .optional()
    .describe('Memory the job may use, in GB (default: three quarters of the machine’s).'),
  shm_gb: z
    .number()
    .positive()
    .max(1024)
    .optional()
    .describe('Size of /dev/shm in GB, where DataLoader workers pass batches (default 2).'),
  watches: jobWatchesSchema
    .optional()
    .describe(
      'What to watch for while it runs; a watch that fires wakes you (and a job_status that waits) with what it saw. Kinds: {"kind": "non_finite", "metric": "loss"} (NaN or infinite; any metric without "metric"), {"kind": "plateau", "metric": "eval_loss", "logs": 5, "minDelta": 0.001, "better": "lower"}, {"kind": "silent", "minutes": 10} (no output), {"kind": "eta_over_budget"} (its progress, e.g. 12/100, says it ends past the run’s time budget or its timeout). The run’s defaults when absent.',
    ),
  target: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe(
      'Where to run it: a compute target the person set up (another machine’s Docker engine, e.g. "gpu-box"); the workspace is sent there and its outputs/ come back when it ends. This machine (or the run’s default) when absent.',
    ),
  resume: jobResumeSchema
    .optional()
    .describe(
      '"auto": when the job is killed (out of memory, docker kill, a restart), run it again from the newest checkpoint-<step> folder it wrote under /workspace/outputs, with LOOPLAB_RESUME_FROM set to that folder. Default "manual" (job_resume).',
    ),
});

type Input = z.infer<typeof input>;

const remote = (target: string | undefined): target is string => target !== undefined && target !== LOCAL_TARGET;

/** What the job asks for beyond the run's defaults, in the job service's terms. */
function resourcesOf({ cpus, memory_gb: memory, shm_gb: shm }: Input): JobResources {
  const mb = (gb: number) => Math.max(64, Math.round(gb * 1024));
  return {
    ...(cpus === undefined ? {} : { cpus }),
    ...(memory === undefined ? {} : { memoryMb: mb(memory) }),
    ...(shm === undefined ? {} : { shmMb: mb(shm) }),
  };
}

export function jobStartTool(jobs: JobControl, target: JobTarget) {
  return defineTool({
    name: 'job_start',
    description: [
      'Start a command as a background job: use it for training, evaluation or anything else that takes more than a minute (bash is for quick commands).',
      'The job runs in its own sandbox container with the same /workspace, and job_start returns its id at once.',
      'Print metrics as one JSON object per line, e.g. {"step": 10, "loss": 0.31, "accuracy": 0.87}: each such line is recorded as a metric, with step as the x-axis (the log lines of Hugging Face’s Trainer are recorded too).',
      'pip install puts packages under /workspace/.local, which jobs see; HF_HOME is a Hugging Face cache shared across runs.',
      'Files the job writes under /workspace/outputs are recorded as the run’s artifacts.',
      'Follow it with job_status (which can wait for the end) and job_logs; stop it with job_cancel.',
    ].join(' '),
    input,
    risk: 'exec',
    // A job sent to another machine takes the workspace off this one: it asks, as the network does.
    riskOf: ({ gpu, target: where }) => (remote(where) ? 'network' : gpu === true ? 'gpu' : 'exec'),
    summarize: ({ command, gpu, timeout = target.jobs?.timeoutSeconds, target: where }) =>
      `job${gpu === true ? ' on the GPU' : ''}${remote(where) ? ` on target ${where}` : ''}${timeout === undefined ? '' : ` (timeout ${timeout} s)`}: ${command}`,
    run: async (args, ctx) => {
      const { command, gpu = false, timeout, watches, resume } = args;
      const request = {
        command,
        gpu,
        target: args.target,
        timeoutSeconds: timeout,
        resources: resourcesOf(args),
        callId: ctx.callId,
        watches,
        resume,
        ...(args.gpu_memory_gb === undefined ? {} : { gpuMemoryBytes: Math.round(args.gpu_memory_gb * 1024 ** 3) }),
      };
      const started = await forModel(() => jobs.start(target, request));
      return {
        output: [
          `Started ${started.jobId}${gpu ? ' on the GPU' : ''}${remote(args.target) ? ` on target ${args.target}` : ''}: ${command}`,
          `Its output goes to ${started.logPath}. Follow it with job_status (wait up to 600 s for it to end) and job_logs; stop it with job_cancel.`,
        ].join('\n'),
      };
    },
  });
}
