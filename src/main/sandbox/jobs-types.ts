// What the job service takes and gives: its options, where a job runs, what starting one asks for and
// answers, and the ports it is given (GPU memory, workspace snapshots, leases between processes).
import type { EventPayload } from '../../shared/events';
import type { JobDefaults, JobResumePolicy, WatchRule } from '../../shared/job-watches';
import type { JobResources } from '../../shared/job-resources';
import type { RunLog } from '../core/ports';
import type { SandboxLimits, SandboxNetwork } from './container-spec';
import type { GpuSampler } from './jobs-gpu';
import type { JobLogLine } from './jobs-watch';
import type { FiredWatch } from './jobs-watches';
import type { SandboxManager } from './sandbox-manager';
import type { TargetEngines } from './target-engines';

/**
 * Frees the GPU memory others hold (a local LLM) before a GPU job; the returned function gives it back.
 * `adopted`: a GPU job found running after a restart, with the models unloaded for it then (its label).
 */
export interface GpuMemoryGuard {
  acquire(
    note: (text: string) => void,
    adopted?: readonly string[],
    /** What the job says it needs of GPU memory: when that fits beside the loaded models, they stay. */
    needBytes?: number,
  ): Promise<(note: (text: string) => void) => Promise<void>>;
  /** The models unloaded for the GPU jobs now running, recorded on each GPU job's container. */
  unloaded?(): readonly string[];
}

/** Captures a run's workspace when one of its jobs ends: what the job wrote, recorded before job.finished. */
export interface JobSnapshots {
  capture(
    runId: string,
    folder: string,
    origin: { jobId: string },
  ): Promise<EventPayload<'workspace.snapshot'> | undefined>;
}

/** Which process watches a job, so two processes on one data folder never record its events twice. */
export interface JobLeases {
  claim(id: string): void;
  release(id: string): void;
  liveOwner(id: string): number | undefined;
}

export interface JobServiceOptions {
  sandbox: SandboxManager;
  /** The run store: job events are appended to the job's run. */
  log: RunLog;
  leases?: JobLeases;
  gpuMemory?: GpuMemoryGuard;
  /** The same as the run's sandbox: SandboxManager's defaults unless told otherwise. */
  /** Overrides of the built-in limits; a function is asked each time a container is made. */
  limits?: Partial<SandboxLimits> | (() => Partial<SandboxLimits>);
  /** What jobs may use as settings.json says, asked each time a job starts (jobs-resources.ts). */
  jobResources?: () => JobResources | undefined;
  user?: string;
  /** Each line of output as it comes, for a host that shows it live. */
  onLog?: (line: JobLogLine) => void;
  snapshots?: JobSnapshots;
  /** Samples the GPU into a GPU job's series; none when absent. */
  gpuSampling?: JobGpuSampling;
  /** The engines jobs may run on besides this machine's (settings.json's `targets`); local only when absent. */
  targets?: Pick<TargetEngines, 'get' | 'remotes' | 'backend' | 'allBackends'>;
  /** A watch of a job fired (after it is recorded): for a host that wakes a parked loop. */
  onWatch?: (runId: string, jobId: string, fired: FiredWatch) => void;
}

/** How a GPU job's GPU is read, and how often (every 15 s by default). */
export interface JobGpuSampling {
  sampler: GpuSampler;
  everyMs?: number;
}

/** Where a run's jobs run: its workspace folder and what its rules let the network reach. */
export interface JobPlacement {
  runId: string;
  workspaceFolder: string;
  network?: SandboxNetwork;
  /** The run's defaults for its jobs (its spec's `jobs`): watches and resume policy. */
  jobDefaults?: JobDefaults | undefined;
  /** When the run's time budget ends (ms since the epoch), for the `eta_over_budget` watch. */
  deadline?: number | undefined;
  /** What the run's jobs may use, as its spec says. */
  jobs?: JobResources | undefined;
}

export interface JobRequest {
  command: string;
  gpu: boolean;
  /** Default: the run's spec, then settings.json, then 24 hours. */
  timeoutSeconds?: number | undefined;
  /** CPUs, memory, shared memory for this job, over the run's spec and settings.json. */
  resources?: JobResources | undefined;
  /** The tool call that starts the job. */
  callId?: string;
  /** What a GPU job says it needs of GPU memory, in bytes: the local model stays loaded when that fits. */
  gpuMemoryBytes?: number | undefined;
  /** Watches for this job; the placement's defaults when absent. */
  watches?: WatchRule[] | undefined;
  resume?: JobResumePolicy | undefined;
  /** The compute target to run on (settings.json's `targets`); the run's default, else this machine. */
  target?: string | undefined;
}

export interface StartedJob {
  jobId: string;
  /** The log file, relative to the workspace. */
  logPath: string;
}

export interface ReattachedJobs {
  /** Still running: watched again from where the recorded events left off. */
  running: string[];
  /** Ended while the app was away: their remaining events are being recorded. */
  ended: string[];
}
