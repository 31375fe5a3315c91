// The backends of targets that are not Docker engines, by kind: each one starts jobs through the
// target's own scheduler (jobs-handle.ts says what a backend does). Each loads its client libraries
// when first used, so a command that never sends a job there does not pay for them.
import { AppError } from '../../shared/errors';
import type { KubernetesTarget, SlurmTarget } from '../../shared/targets';
import type { JobBackend } from './jobs-handle';
import { KubernetesBackend } from './kube-backend';
import { SlurmBackend } from './slurm-backend';

type SchedulerTarget = SlurmTarget | KubernetesTarget;

const factories: {
  [Kind in SchedulerTarget['kind']]?: (target: Extract<SchedulerTarget, { kind: Kind }>) => JobBackend;
} = {
  kubernetes: (target) => new KubernetesBackend(target),
  slurm: (target) => new SlurmBackend(target),
};

export function makeBackend(target: SchedulerTarget): JobBackend {
  const make = factories[target.kind] as ((target: SchedulerTarget) => JobBackend) | undefined;
  if (make === undefined)
    throw new AppError(
      'unavailable',
      `Target ${target.name} is a ${target.kind} target, which this version of Looplab cannot send jobs to.`,
      'Use a Docker engine target (kind "docker") for it.',
    );
  return make(target);
}
