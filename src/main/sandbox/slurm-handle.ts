// One job on a Slurm cluster, as its watcher drives it (jobs-handle.ts): its log file followed over SSH
// while it runs, its end read from squeue then sacct (scontrol when accounting has none), scancel to stop
// it, and its outputs/ brought back with tar over SSH.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../shared/errors';
import type { SlurmTarget } from '../../shared/targets';
import type { HandleEnd, JobHandle, OutputSink } from './jobs-handle';
import { fetchOverSsh } from './jobs-remote-folder';
import type { WatchedJob } from './jobs-watch-types';
import {
  endOf,
  jobPaths,
  parseAccountLine,
  parseQueueLine,
  parseScontrol,
  pendingAdvice,
  slurmIdSchema,
  type Accounted,
  type JobPaths,
} from './slurm-commands';
import { remoteOutput, runRemote, slurmFailure } from './slurm-ssh';
import { sshCommand } from './target-engines';

/** How often the queue is asked whether the job still runs. */
const POLL_MS = 3000;
/** How often, and for how long, accounting is asked for an end it has not recorded yet. */
const ACCOUNT_TRIES = 10;

export class SlurmHandle implements JobHandle {
  readonly local = false;
  private readonly paths: JobPaths;
  /** How many bytes of the log `follow` delivered. */
  private delivered = 0;

  constructor(
    private readonly target: SlurmTarget,
    private readonly job: WatchedJob,
    private slurmId?: string,
  ) {
    this.paths = jobPaths(target, job.containerName);
  }

  /** Its Slurm id: as sbatch said, else from the job's folder (a job another process started). */
  async id(): Promise<string> {
    if (this.slurmId !== undefined) return this.slurmId;
    const text = await remoteOutput(this.target, `cat ${this.paths.dir}/slurm-id`);
    this.slurmId = slurmIdSchema.parse(text.trim());
    return this.slurmId;
  }

  async follow(sink: OutputSink, signal: AbortSignal): Promise<void> {
    const id = await this.id();
    const log = `${this.paths.dir}/job.log`;
    // tail follows the log until the job is out of the queue (or this SSH session is gone), then stops.
    const script = [
      `tail -c +1 -F ${log} 2>/dev/null & t=$!`,
      `while kill -0 "$PPID" 2>/dev/null && squeue -h -j ${id} -o %T 2>/dev/null | grep -q .; do sleep 2; done`,
      'sleep 1; kill $t',
    ].join('; ');
    await this.stream(script, sink, signal);
  }

  async catchUp(sink: OutputSink, signal: AbortSignal): Promise<void> {
    await this.stream(`tail -c +${this.delivered + 1} ${this.paths.dir}/job.log 2>/dev/null; true`, sink, signal);
  }

  private async stream(script: string, sink: OutputSink, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const result = await runRemote(this.target, script, {
      signal,
      onStdout: (chunk) => {
        this.delivered += chunk.length;
        sink(chunk, 'stdout');
      },
    });
    if (result.code === 255 && !signal.aborted) throw slurmFailure(this.target, result);
  }

  async wait(signal: AbortSignal): Promise<HandleEnd> {
    const id = await this.id();
    const maxPending = this.target.maxPendingSeconds ?? this.job.timeoutSeconds;
    while (!signal.aborted) {
      const text = await remoteOutput(
        this.target,
        `date +%s; SLURM_TIME_FORMAT=%s squeue -h -j ${id} -o '%T|%r|%V' 2>/dev/null; true`,
        { signal },
      );
      const [now, line] = text.split('\n');
      const queued = parseQueueLine(line ?? '');
      if (queued === undefined || !queued.active) return this.ended(id, signal);
      if (queued.state === 'PENDING' && Number(now) - queued.submittedAt > maxPending) {
        await runRemote(this.target, `scancel ${id}`);
        return {
          exitCode: null,
          reason: `it waited over ${maxPending} s to start on ${this.target.name}, so it was cancelled: ${pendingAdvice(queued.reason, this.target)}`,
        };
      }
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    throw new AppError('unavailable', `Stopped waiting for Slurm job ${id} on ${this.target.name}.`);
  }

  /** The end as sacct records it (its job-completion log where accounting has no database), else scontrol. */
  private async ended(id: string, signal: AbortSignal): Promise<HandleEnd> {
    const script = [
      'export SLURM_TIME_FORMAT=%s',
      `a=$(sacct -X -n -P -j ${id} -o JobID,State,ExitCode,End 2>&1)`,
      `case "$a" in *"accounting storage is disabled"*) a=$(sacct -c -X -n -P -j ${id} -o JobID,State,ExitCode,End 2>&1);; esac`,
      'printf "%s\\n" "$a"',
      `scontrol show job -o ${id} 2>/dev/null; true`,
    ].join('; ');
    for (let attempt = 0; attempt < ACCOUNT_TRIES && !signal.aborted; attempt++) {
      const lines = (await remoteOutput(this.target, script, { signal })).split('\n');
      const accounted = pickEnd(lines, id);
      if (accounted !== undefined) return endOf(accounted, this.job);
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    return { exitCode: null, reason: `Slurm has no record of how job ${id} ended (sacct and scontrol)` };
  }

  async stop(graceSeconds: number): Promise<void> {
    const id = await this.id();
    const grace = Math.max(0, Math.round(graceSeconds));
    await runRemote(
      this.target,
      [
        `scancel --full --signal=TERM ${id} 2>/dev/null`,
        `i=0; while [ $i -lt ${grace} ] && squeue -h -j ${id} -t RUNNING,COMPLETING,SUSPENDED -o %i 2>/dev/null | grep -q .; do sleep 1; i=$((i+1)); done`,
        `scancel ${id} 2>/dev/null; true`,
      ].join('; '),
    );
  }

  async kill(): Promise<void> {
    const id = await this.id();
    await runRemote(this.target, `scancel --full --signal=KILL ${id} 2>/dev/null; scancel ${id} 2>/dev/null; true`);
  }

  /** Its outputs/ back into the local workspace: tar there, unpacked here (plain files and folders only). */
  async fetchOutputs(): Promise<void> {
    const ssh = sshCommand(this.target);
    if (ssh === undefined) return;
    try {
      await fetchOverSsh(ssh, `${this.paths.dir}/workspace`, this.job.workspaceFolder);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError('unavailable', `Slurm target ${this.target.name} (${this.target.host}): ${error.message}`);
    }
  }

  async remove(): Promise<void> {
    await runRemote(this.target, `rm -rf ${this.paths.dir}`);
  }
}

/** sacct's line for the job once it has ended, else scontrol's. */
function pickEnd(lines: string[], id: string): Accounted | undefined {
  const ended = (found: Accounted | undefined) =>
    found !== undefined && !/^(PENDING|RUNNING|COMPLETING|CONFIGURING)$/.test(found.state) ? found : undefined;
  for (const line of lines) {
    const found = ended(parseAccountLine(line, id));
    if (found !== undefined) return found;
  }
  for (const line of lines) {
    const found = ended(parseScontrol(line, id));
    if (found !== undefined) return found;
  }
  return undefined;
}
