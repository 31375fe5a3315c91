// A Kubernetes target's API client: @kubernetes/client-node, loaded on first use (a command that never sends
// a job there does not pay for it), its kubeconfig and context as settings.json names them, and its
// failures in words that say which target and what to do.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { KubernetesTarget } from '../../shared/targets';

type ClientModule = typeof K8s;

export interface KubeClient {
  k8s: ClientModule;
  config: K8s.KubeConfig;
  batch: K8s.BatchV1Api;
  core: K8s.CoreV1Api;
  /** The context its calls go through, for messages. */
  context: string;
}

function kubeconfigPath(target: KubernetesTarget): string | undefined {
  if (target.kubeconfig !== undefined) return target.kubeconfig;
  const fromEnv = process.env.KUBECONFIG?.split(delimiter).find((path) => path !== '');
  return fromEnv ?? join(homedir(), '.kube', 'config');
}

/** The client of a target: its kubeconfig read, its context chosen (the file's current one when not said). */
export async function kubeClient(target: KubernetesTarget): Promise<KubeClient> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  const file = kubeconfigPath(target);
  if (file === undefined || !existsSync(file))
    throw new AppError(
      'invalid_input',
      `Target ${target.name}: there is no kubeconfig at ${file ?? '~/.kube/config'}.`,
      `Set "kubeconfig" of target ${target.name} in settings.json to the cluster's kubeconfig file (or KUBECONFIG).`,
    );
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `Target ${target.name}: cannot read the kubeconfig ${file} (${(error as Error).message}).`,
      'Check that it is a kubeconfig file (kubectl config view --kubeconfig <file>).',
    );
  }
  const names = config.getContexts().map((context) => context.name);
  const context = target.context ?? config.getCurrentContext();
  if (!names.includes(context))
    throw new AppError(
      'invalid_input',
      `Target ${target.name}: the kubeconfig ${file} has no context "${context}".`,
      `Its contexts: ${names.join(', ') || 'none'}. Set "context" of target ${target.name} to one of them.`,
    );
  config.setCurrentContext(context);
  const batch = config.makeApiClient(k8s.BatchV1Api);
  const core = config.makeApiClient(k8s.CoreV1Api);
  return { k8s, config, batch, core, context };
}

const statusBodySchema = z.object({ message: z.string().optional(), reason: z.string().optional() });

/** The HTTP status of a failed API call, when it had one. */
export function kubeStatus(error: unknown): number | undefined {
  return z.object({ code: z.number() }).safeParse(error).data?.code;
}

/** The API server's own message of a failed call (its Status body), else the error's. */
function serverMessage(error: unknown): string {
  const body = z.object({ body: z.unknown() }).safeParse(error).data?.body;
  let parsed: unknown = body;
  if (typeof body === 'string')
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = { message: body };
    }
  const message = statusBodySchema.safeParse(parsed).data?.message;
  if (message !== undefined && message !== '') return message;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** What went wrong calling a target's API server (`doing`: the verb and resource, "create jobs"). */
export function kubeFailure(target: KubernetesTarget, doing: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const where = `Target ${target.name} (namespace ${target.namespace})`;
  const code = kubeStatus(error) ?? (/Unexpected server response: (\d+)/.exec(String(error))?.[1] as unknown);
  const status = Number(code);
  const message = serverMessage(error);
  if (status === 401)
    return new AppError(
      'unavailable',
      `${where}: the cluster did not accept the kubeconfig's credentials (401) to ${doing}.`,
      'Log in again (the token or certificate may have expired) or pick another context.',
    );
  if (status === 403)
    return new AppError(
      'unavailable',
      `${where}: not allowed to ${doing} (403: ${message}).`,
      `Ask the cluster's admin for a Role in ${target.namespace} that allows it (README, "Kubernetes", lists the rules).`,
    );
  if (status === 404 && doing.includes('namespace'))
    return new AppError(
      'not_found',
      `${where}: there is no namespace ${target.namespace}.`,
      `Create it (kubectl create namespace ${target.namespace}) or set "namespace" of target ${target.name}.`,
    );
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|fetch failed|certificate/i.test(String(error)))
    return new AppError(
      'unavailable',
      `${where}: its API server did not answer (${message}).`,
      'Check that this machine reaches the cluster (VPN, firewall) and that the kubeconfig context is right.',
    );
  return new AppError(
    'unavailable',
    `${where}: could not ${doing} (${message}).`,
    `Check the target with \`looplab targets test ${target.name}\`.`,
  );
}

/** The fields of a pod that decide how its job goes. */
const terminatedSchema = z.object({
  exitCode: z.number(),
  reason: z.string().optional(),
  message: z.string().optional(),
  finishedAt: z.union([z.date(), z.string()]).optional(),
});
export const containerStatusSchema = z.object({
  name: z.string(),
  state: z
    .object({
      waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
      running: z.object({}).passthrough().optional(),
      terminated: terminatedSchema.optional(),
    })
    .optional(),
});
export const podSchema = z.object({
  metadata: z.object({ name: z.string(), creationTimestamp: z.union([z.date(), z.string()]).optional() }),
  status: z
    .object({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      conditions: z
        .array(
          z.object({
            type: z.string(),
            status: z.string(),
            reason: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .optional(),
      containerStatuses: z.array(containerStatusSchema).optional(),
    })
    .optional(),
});
export type Pod = z.infer<typeof podSchema>;

export const kubeJobSchema = z.object({
  metadata: z.object({
    name: z.string(),
    annotations: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.unknown().optional(),
  }),
  status: z
    .object({
      conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().optional() })).optional(),
    })
    .optional(),
});
export type KubeJob = z.infer<typeof kubeJobSchema>;

/** Whether the Job is over (Complete or Failed, by its controller). */
export function jobOver(job: KubeJob): boolean {
  return (job.status?.conditions ?? []).some(
    (condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True',
  );
}
