// A real one-node Slurm cluster reached over SSH the way a person reaches a login node: `.ci/slurm.sh`
// runs slurmctld, slurmd and an OpenSSH server in a network namespace of their own, and prints the
// variables read here. Where LOOPLAB_REQUIRE_SLURM=1 (CI), a cluster that is not set up fails the suite.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { sshCommand } from '../../src/main/sandbox/target-engines';
import { slurmTargetSchema, type SlurmTarget } from '../../src/shared/targets';

const Env = z.object({
  LOOPLAB_SLURM: z.string().regex(/^ssh:\/\/[^@/]+@[^:/]+(:\d+)?$/, 'ssh://USER@HOST[:PORT]'),
  LOOPLAB_SLURM_SSH_KEY: z.string().min(1),
  LOOPLAB_SLURM_KNOWN_HOSTS: z.string().min(1),
});

const parsed = Env.safeParse(process.env);
export const slurmRequired = process.env.LOOPLAB_REQUIRE_SLURM === '1';
/** True when Slurm tests should be skipped: no cluster configured here and none required. */
export const skipSlurm = !parsed.success && !slurmRequired;

/** A slurm target of settings.json for the test cluster, with `extra` fields over it. */
export function slurmTarget(extra: Record<string, unknown> = {}): SlurmTarget {
  if (!parsed.success)
    throw new Error(
      'A Slurm cluster is required (LOOPLAB_REQUIRE_SLURM=1) but LOOPLAB_SLURM, LOOPLAB_SLURM_SSH_KEY and ' +
        'LOOPLAB_SLURM_KNOWN_HOSTS are not set: run `bash .ci/slurm.sh` as root, then `eval "$(bash .ci/slurm.sh env)"`.',
    );
  return slurmTargetSchema.parse({
    name: 'cluster',
    kind: 'slurm',
    host: parsed.data.LOOPLAB_SLURM,
    identityFile: parsed.data.LOOPLAB_SLURM_SSH_KEY,
    knownHosts: parsed.data.LOOPLAB_SLURM_KNOWN_HOSTS,
    ...extra,
  });
}

/** Runs a shell line on the login node as the cluster's user (what a person would type there). */
export function onLoginNode(target: SlurmTarget, command: string): string {
  return execFileSync('ssh', [...sshCommand(target)!.args, command], { encoding: 'utf8' });
}

const SCRIPT = join(import.meta.dirname, '..', '..', '.ci', 'slurm.sh');

/** Cuts the login node's link as a pulled cable would: its packets are dropped, not refused. Needs root. */
export function cutSlurmLink(): void {
  execFileSync('bash', [SCRIPT, 'link', 'down'], { stdio: 'pipe' });
}

export function restoreSlurmLink(): void {
  execFileSync('bash', [SCRIPT, 'link', 'up'], { stdio: 'pipe' });
}
