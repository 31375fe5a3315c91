// Jobs on a Slurm cluster, through its login node over SSH (jobs-handle.ts says what a backend does):
// the workspace goes to <workdir>/<job name>/workspace with tar over OpenSSH, a batch script runs the
// command in the site's runtime, and sbatch queues it. The job's folder keeps what finding it again takes
// (job.json, slurm-id), so a restarted Looplab finds its jobs there whether the queue still has them or not.
import { Readable } from 'node:stream';
import * as tar from 'tar';
import { AppError } from '../../shared/errors';
import type { SlurmTarget, TargetCheck } from '../../shared/targets';
import type { BackendLaunch, FoundExternalJob, JobBackend, JobHandle } from './jobs-handle';
import type { WatchedJob } from './jobs-watch-types';
import { batchScript, jobMeta, jobMetaSchema, jobPaths, remotePath, sbatchArgs, slurmIdSchema } from './slurm-commands';
import { shellQuote } from './shell-quote';
import { SlurmHandle } from './slurm-handle';
import { remoteOutput, sshFailure } from './slurm-ssh';
import { parseCheck, runtimeProbe } from './slurm-check';

export class SlurmBackend implements JobBackend {
  readonly name: string;

  constructor(readonly target: SlurmTarget) {
    this.name = target.name;
  }

  async launch(request: BackendLaunch): Promise<JobHandle> {
    const { job } = request;
    const paths = jobPaths(this.target, job.containerName);
    const sent = await this.sendWorkspace(job, paths.dir);
    request.note(`sent the workspace (${(sent / 1024 ** 2).toFixed(1)} MB) to ${this.target.name}`);
    const batch = { ...request, job };
    const script = batchScript(this.target, batch, paths);
    const meta = JSON.stringify(jobMeta(job));
    const submit = [
      `cd ${paths.dir}`,
      `printf '%s' ${shellQuote(script)} > job.sh`,
      `printf '%s' ${shellQuote(meta)} > job.json`,
      `id=$(sbatch ${sbatchArgs(this.target, batch, paths).join(' ')} job.sh)`,
      `id=\${id%%;*}`,
      `printf '%s' "$id" > slurm-id`,
      `printf '%s' "$id"`,
    ].join(' && ');
    const id = slurmIdSchema.parse((await remoteOutput(this.target, submit)).trim());
    const partition =
      this.target.partition === undefined ? 'its default partition' : `partition ${this.target.partition}`;
    request.note(`submitted to Slurm as job ${id} on ${partition} of ${this.target.name}`);
    return new SlurmHandle(this.target, job, id);
  }

  /** The workspace (but for Looplab's own files in .looplab/) into the job's folder there; its size. */
  private async sendWorkspace(job: WatchedJob, dir: string): Promise<number> {
    let bytes = 0;
    const pack = tar.create(
      {
        cwd: job.workspaceFolder,
        portable: true,
        filter: (path, stat) => {
          const keep = !/^(\.\/)?\.looplab(\/|$)/.test(path);
          if (keep && 'size' in stat && typeof stat.size === 'number') bytes += stat.size;
          return keep;
        },
      },
      ['.'],
    );
    await remoteOutput(this.target, `mkdir -p ${dir}/workspace && tar -x -f - -C ${dir}/workspace`, {
      stdin: Readable.from(pack as AsyncIterable<Buffer>),
    });
    return bytes;
  }

  async find(homeHash: string): Promise<FoundExternalJob[]> {
    const prefix = `looplab-job-${homeHash.slice(0, 8)}-`;
    if (!/^looplab-job-[0-9a-f]{8}-$/.test(prefix)) return [];
    const workdir = remotePath((this.target.workdir ?? '~/.looplab/jobs').replace(/\/+$/, ''));
    const script = [
      `if cd ${workdir} 2>/dev/null; then for d in ${prefix}*; do`,
      '[ -f "$d/job.json" ] && [ -f "$d/slurm-id" ] || continue;',
      `printf 'job|%s|%s\\n' "$(head -c 20 "$d/slurm-id")" "$(head -c 65536 "$d/job.json" | base64 -w0)"; done; fi;`,
      `squeue -h -u "$(id -un)" -o 'queue|%i|%T'`,
    ].join(' ');
    const lines = (await remoteOutput(this.target, script)).split('\n');
    const active = new Set(lines.flatMap((line) => /^queue\|(\d+)\|[A-Z_]+$/.exec(line)?.[1] ?? []));
    return lines.flatMap((line) => {
      const match = /^job\|(\d{1,12})\|([A-Za-z0-9+/=]{1,100000})$/.exec(line);
      if (match === null) return [];
      const meta = parseMeta(match[2]!);
      if (meta === undefined || !meta.containerName.startsWith(prefix)) return [];
      return [{ job: meta, handle: new SlurmHandle(this.target, meta, match[1]!), running: active.has(match[1]!) }];
    });
  }

  handle(job: WatchedJob): JobHandle {
    return new SlurmHandle(this.target, job);
  }

  async ping(): Promise<void> {
    await remoteOutput(this.target, 'true');
  }

  async check(): Promise<TargetCheck> {
    const base = { name: this.target.name, kind: 'slurm' as const, address: this.target.host };
    const script = [
      `printf 'version|%s\\n' "$(sinfo --version 2>&1 | head -n 1)"`,
      `command -v sbatch >/dev/null 2>&1 || echo 'nosbatch|'`,
      `sinfo -h -o 'part|%P|%a|%G' 2>/dev/null`,
      runtimeProbe(this.target),
    ].join('; ');
    try {
      return { ...base, ...parseCheck(this.target, await remoteOutput(this.target, script)) };
    } catch (error) {
      const failure = error instanceof AppError ? error : sshFailure(this.target, String(error));
      return { ...base, reachable: false, problem: `${failure.message} ${failure.hint ?? ''}`.trim() };
    }
  }
}

function parseMeta(base64: string): WatchedJob | undefined {
  try {
    const parsed = jobMetaSchema.safeParse(JSON.parse(Buffer.from(base64, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
