// Compute targets: where a job runs. `local` is this machine's Docker engine (always there); the person
// names others in settings.json: a Docker engine on another machine, reached over SSH with their own keys
// (or over TCP with TLS). A job's target is its `job_start` argument, else its spec's, else local.
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

export const targetSchema = dockerTargetSchema;
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
  kind: 'local' | 'docker';
  /** Where it is, as the person wrote it. */
  address: string;
  reachable: boolean;
  /** The engine's version, when it answered. */
  version?: string;
  /** Whether the image its jobs run in is there. */
  image?: { name: string; present: boolean };
  /** The GPUs its engine can give a job (NVIDIA runtime), when it answered. */
  gpus?: boolean;
  /** What went wrong, and what to do. */
  problem?: string;
}

/** What a job's time on a target costs: per GPU-hour for a GPU job where a GPU rate is set, else per hour. */
export function jobCost(
  target: Pick<DockerTarget, 'gpus' | 'costPerHour' | 'costPerGpuHour'>,
  gpu: boolean,
  ms: number,
): number | undefined {
  const hours = ms / 3_600_000;
  if (gpu && target.costPerGpuHour !== undefined) return target.costPerGpuHour * (target.gpus ?? 1) * hours;
  return target.costPerHour === undefined ? undefined : target.costPerHour * hours;
}
