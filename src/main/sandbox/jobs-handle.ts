// One job where it runs, as its watcher sees it, whatever runs it: a Docker engine (this machine's or
// another's), a Slurm cluster or Kubernetes. The watcher (jobs-watch.ts) follows the output, waits for the
// end, stops or kills the job and clears up through this and nothing else; a backend (job-backends.ts)
// starts jobs on a target that is not a Docker engine and finds them again after a restart.
import type { Target, TargetCheck } from '../../shared/targets';
import type { Checkpoint } from './jobs-resume';
import type { WatchedJob } from './jobs-watch-types';

export type OutputStream = 'stdout' | 'stderr';
/** Takes a chunk of the job's output: a line, part of one, or several. */
export type OutputSink = (bytes: Buffer, stream: OutputStream) => void;

/** How a job ended, as what ran it tells. */
export interface HandleEnd {
  /** Its exit code; null when it is gone with none (removed by something else, or lost by the scheduler). */
  exitCode: number | null;
  /** When it ended (ms since the epoch), when known: decides whether it ran past its timeout. */
  finishedAt?: number | undefined;
  /** Killed for using more memory than it was given. */
  oomKilled?: boolean | undefined;
  /**
   * Why the scheduler ended it, in words for the log ("the partition's time limit of 2:00:00 ended it",
   * "the pod could not be scheduled: 0/3 nodes have nvidia.com/gpu"): such a job failed.
   */
  reason?: string | undefined;
}

export interface JobHandle {
  /**
   * Follows the output from the job's start until it ends or `signal` aborts. A watcher started after a
   * restart gets the output from the start again and skips the lines it already handled.
   */
  follow(sink: OutputSink, signal: AbortSignal): Promise<void>;
  /** After the end: what `follow` had not delivered yet (no byte twice), or nothing. */
  catchUp(sink: OutputSink, signal: AbortSignal): Promise<void>;
  /**
   * Resolves once the job ended. Rejects when what runs it cannot be reached (the watcher lets go, and
   * the job is looked for again later); a job gone from there resolves with `exitCode: null`.
   */
  wait(signal: AbortSignal): Promise<HandleEnd>;
  /** Asks it to stop: SIGTERM, then SIGKILL after `graceSeconds`. */
  stop(graceSeconds: number): Promise<void>;
  /** Ends it at once. */
  kill(): Promise<void>;
  /** A job on another machine: brings its `outputs/` back into the run's workspace (AppError: said in the log). */
  fetchOutputs?(): Promise<void>;
  /** Removes what the job left where it ran (container, volume, folder), once its end is recorded. */
  remove(): Promise<void>;
  /** Samples of the job's GPU use are read by what runs it, when it can (Docker here: nvidia-smi). */
  readonly local: boolean;
}

/** What a backend is given to start one run of a job. */
export interface BackendLaunch {
  job: WatchedJob;
  /** The shell command, run in the workspace's root (`/workspace`, or the folder the workspace was sent to). */
  command: string;
  gpu: boolean;
  /** The job's environment: what the sandbox gives its jobs, and RESUME_ENV after a resume. */
  env: Record<string, string>;
  cpus: number;
  memoryBytes: number;
  /** After a resume: the checkpoint it starts from (its path in the workspace). */
  checkpoint?: Checkpoint | undefined;
  /** Writes a line into the job's log (what the backend did: sent the workspace, submitted as 4242). */
  note(text: string): void;
}

/** A job a backend found again: the job as it was started, and whether it still runs. */
export interface FoundExternalJob {
  job: WatchedJob;
  handle: JobHandle;
  running: boolean;
}

/** Starts jobs on a target that is not a Docker engine (Slurm, Kubernetes) and finds them again. */
export interface JobBackend {
  readonly name: string;
  readonly target: Target;
  /**
   * Sends the workspace and starts the job there; resolves once it is accepted (queued or running).
   * Fails with an AppError naming the target and what to do.
   */
  launch(request: BackendLaunch): Promise<JobHandle>;
  /** This data folder's jobs known there (`homeHash`), for a watcher after a restart or a cut link. */
  find(homeHash: string): Promise<FoundExternalJob[]>;
  /** The handle of a job another process started (to cancel it). */
  handle(job: WatchedJob): JobHandle;
  /** Resolves when the target answers; rejects when it does not. */
  ping(): Promise<void>;
  /** What `looplab targets test` says: reachable, runtime there, GPUs seen. */
  check(): Promise<TargetCheck>;
}
