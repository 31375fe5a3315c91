// Compute targets: where a job runs. `local` is this machine's Docker engine (always there); the person
// names others in settings.json: a Docker engine on another machine, reached over SSH with their own keys
// (or over TCP with TLS), a Slurm cluster through its login node over SSH, or a Kubernetes cluster from a
// kubeconfig context. A job's target is its `job_start` argument, else its spec's, else local.
import { z } from 'zod';

export const LOCAL_TARGET = 'local';

const targetNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a target name: lower-case letters, digits and dashes, starting with a letter')
  .refine((name) => name !== LOCAL_TARGET, '"local" is this machine\'s own engine and cannot be redefined');

const hostSchema = z
  .string()
  .max(512)
  .regex(
    /^(ssh:\/\/([^@/\s]+@)?[^/:\s]+(:\d{1,5})?|tcp:\/\/[^/:\s]+:\d{1,5})$/,
    'an engine address: ssh://user@host[:port], or tcp://host:port with tls',
  );

export const dockerTargetSchema = z
  .object({
    name: targetNameSchema,
    kind: z.literal('docker'),
    host: hostSchema,
    /** The private key for SSH (the SSH agent, SSH_AUTH_SOCK, when absent). */
    identityFile: z.string().min(1).max(4096).optional(),
    /** Where the host's key is checked (~/.ssh/known_hosts when absent): an unknown host is refused. */
    knownHosts: z.string().min(1).max(4096).optional(),
    /** For tcp://: the engine's CA and this client's certificate and key (PEM files). */
    tls: z
      .object({ ca: z.string().min(1), cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    /** The image jobs run in there (the run's sandbox image when absent); it must be on that engine. */
    image: z.string().min(1).max(256).optional(),
    /** The NVIDIA GPUs a GPU job gets there (all of the machine's), for its cost. */
    gpus: z.number().int().min(0).max(64).optional(),
    /** What an hour of a job there costs, counted in the run's cost and budget. */
    costPerHour: z.number().nonnegative().max(10_000).optional(),
    /** What an hour of one GPU costs: a GPU job pays it for each of the target's `gpus` (1 when not said). */
    costPerGpuHour: z.number().nonnegative().max(10_000).optional(),
  })
  .strict();
export type DockerTarget = z.infer<typeof dockerTargetSchema>;

const sshHostSchema = z
  .string()
  .max(512)
  .regex(/^ssh:\/\/([^@/\s]+@)?[^/:\s]+(:\d{1,5})?$/, 'a login node: ssh://user@host[:port]');

/** What a target's jobs cost and how many GPUs a GPU job there gets. */
const rates = {
  gpus: z.number().int().min(0).max(64).optional(),
  costPerHour: z.number().nonnegative().max(10_000).optional(),
  costPerGpuHour: z.number().nonnegative().max(10_000).optional(),
  /** How long a job may wait to start there before it counts as failed (the run's budget when shorter). */
  maxPendingSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .optional(),
};

/**
 * How a Slurm job runs its command: in the site's container runtime with an image, or in a Python
 * environment that is already there (a line that activates it, such as `source ~/venvs/ml/bin/activate`).
 */
const slurmRuntimeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['apptainer', 'enroot', 'docker']), image: z.string().min(1).max(512) }).strict(),
  z.object({ kind: z.literal('python'), activate: z.string().max(1024).optional() }).strict(),
]);

export const slurmTargetSchema = z
  .object({
    name: targetNameSchema,
    kind: z.literal('slurm'),
    /** The login node, where sbatch, squeue, sacct and scancel run. */
    host: sshHostSchema,
    identityFile: z.string().min(1).max(4096).optional(),
    knownHosts: z.string().min(1).max(4096).optional(),
    partition: z.string().min(1).max(128).optional(),
    account: z.string().min(1).max(128).optional(),
    /** Where job folders go on the cluster's shared file system (`~/.looplab/jobs` when absent). */
    workdir: z.string().min(1).max(1024).optional(),
    runtime: slurmRuntimeSchema.default({ kind: 'python' }),
    ...rates,
  })
  .strict();
export type SlurmTarget = z.infer<typeof slurmTargetSchema>;

export const kubernetesTargetSchema = z
  .object({
    name: targetNameSchema,
    kind: z.literal('kubernetes'),
    /** The kubeconfig file (KUBECONFIG, else ~/.kube/config, when absent) and its context (its current one). */
    kubeconfig: z.string().min(1).max(4096).optional(),
    context: z.string().min(1).max(256).optional(),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace')
      .default('default'),
    /** The image jobs run in; it must hold Python and what the job imports. */
    image: z.string().min(1).max(512),
    /** Node labels a job's pod must match (a GPU pool, say). */
    nodeSelector: z.record(z.string().max(317), z.string().max(63)).optional(),
    ...rates,
  })
  .strict();
export type KubernetesTarget = z.infer<typeof kubernetesTargetSchema>;

export const targetSchema = z.discriminatedUnion('kind', [
  dockerTargetSchema,
  slurmTargetSchema,
  kubernetesTargetSchema,
]);
export type Target = z.infer<typeof targetSchema>;

export const targetsSchema = z
  .array(targetSchema)
  .max(50)
  .refine(
    (targets) => new Set(targets.map((target) => target.name)).size === targets.length,
    'two targets share a name',
  );

/** What `targets test` and the UI say of a target. */
export interface TargetCheck {
  name: string;
  kind: 'local' | Target['kind'];
  /** Where it is, as the person wrote it. */
  address: string;
  reachable: boolean;
  /** The engine's version, when it answered. */
  version?: string;
  /** Whether the image its jobs run in is there. */
  image?: { name: string; present: boolean };
  /** The GPUs its engine can give a job (NVIDIA runtime), when it answered. */
  gpus?: boolean;
  /** What GPUs it has, when it said (`4 × NVIDIA H100 80GB HBM3`, `gpu:a100:8 on partition gpu`). */
  gpuInventory?: string[];
  /** Where jobs run there (the container runtime, the Python environment, the namespace). */
  runtime?: string;
  /** What went wrong, and what to do. */
  problem?: string;
}

/** What a job's time on a target costs: per GPU-hour for a GPU job where a GPU rate is set, else per hour. */
export function jobCost(
  target: Pick<Target, 'gpus' | 'costPerHour' | 'costPerGpuHour'>,
  gpu: boolean,
  ms: number,
): number | undefined {
  const hours = ms / 3_600_000;
  if (gpu && target.costPerGpuHour !== undefined) return target.costPerGpuHour * (target.gpus ?? 1) * hours;
  return target.costPerHour === undefined ? undefined : target.costPerHour * hours;
}

/** Where a target is, as the person wrote it. */
export function targetAddress(target: Target): string {
  if (target.kind !== 'kubernetes') return target.host;
  return `kubernetes ${target.context ?? '(current context)'}/${target.namespace}`;
}
