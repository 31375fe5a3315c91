// The job tools of one run: job_start, job_status, job_logs, job_cancel and job_resume, bound to the job service and
// to the run (its id, workspace folder and network), so a run reaches only its own jobs.
import type { ToolDefinition } from '../core/tool';
import { jobCancelTool } from './job-cancel';
import type { JobControl, JobTarget } from './job-common';
import { jobLogsTool } from './job-logs';
import { jobResumeTool } from './job-resume';
import { jobStartTool } from './job-start';
import { jobStatusTool } from './job-status';

export type { JobControl, JobTarget } from './job-common';

export function createJobTools(jobs: JobControl, target: JobTarget): ToolDefinition[] {
  return [
    jobStartTool(jobs, target),
    jobStatusTool(jobs, target),
    jobLogsTool(jobs, target),
    jobCancelTool(jobs, target),
    jobResumeTool(jobs, target),
  ];
}
