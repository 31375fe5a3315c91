// A Kubernetes cluster as a job target: each run of a job is a batch/v1 Job in the target's namespace
// (kube-manifest.ts), its workspace sent into the pod once it runs (kube-transfer.ts), watched through a
// KubeHandle. The jobs of this data folder are found again by their label; `targets test` asks the API
// server's version, the namespace and the nodes' allocatable nvidia.com/gpu.
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { targetAddress, type KubernetesTarget, type TargetCheck } from '../../shared/targets';
import type { BackendLaunch, FoundExternalJob, JobBackend, JobHandle } from './jobs-handle';
import type { WatchedJob } from './jobs-watch-types';
import { jobOver, kubeClient, kubeFailure, kubeJobSchema, type KubeClient } from './kube-client';
import { KubeHandle } from './kube-handle';
import { ANNOTATION_JOB, jobManifest, LABEL_HOME } from './kube-manifest';

const watchedJobSchema = z.object({
  jobId: z.string(),
  runId: z.string(),
  containerName: z.string(),
  workspaceFolder: z.string(),
  gpu: z.boolean(),
  startedAt: z.number(),
  timeoutSeconds: z.number(),
});

const nodeListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()).optional() }),
      status: z.object({ allocatable: z.record(z.string(), z.string()).optional() }).optional(),
    }),
  ),
});

export class KubernetesBackend implements JobBackend {
  readonly name: string;
  private made: Promise<KubeClient> | undefined;

  constructor(readonly target: KubernetesTarget) {
    this.name = target.name;
  }

  private client = (): Promise<KubeClient> => {
    this.made ??= kubeClient(this.target);
    this.made.catch(() => (this.made = undefined));
    return this.made;
  };

  async launch(request: BackendLaunch): Promise<JobHandle> {
    const { batch } = await this.client();
    const manifest = jobManifest(this.target, request);
    try {
      await batch.createNamespacedJob({ namespace: this.target.namespace, body: manifest });
    } catch (error) {
      throw kubeFailure(this.target, 'create jobs', error);
    }
    const handle = new KubeHandle(this.client, this.target, request.job);
    request.note(`submitted as Job ${handle.name} in namespace ${this.target.namespace}`);
    // Accepted: the workspace goes in once the pod runs, which may be after a wait in the queue.
    handle.send(request.note);
    return handle;
  }

  async find(homeHash: string): Promise<FoundExternalJob[]> {
    const { batch } = await this.client();
    let items: unknown;
    try {
      items = (
        await batch.listNamespacedJob({
          namespace: this.target.namespace,
          labelSelector: `${LABEL_HOME}=${homeHash.slice(0, 8)}`,
        })
      ).items;
    } catch (error) {
      throw kubeFailure(this.target, 'list jobs', error);
    }
    return z
      .array(kubeJobSchema)
      .parse(items)
      .flatMap((found) => {
        const text = found.metadata.annotations?.[ANNOTATION_JOB];
        const job = text === undefined ? undefined : watchedJobSchema.safeParse(safeJson(text)).data;
        if (job === undefined || (found.metadata.deletionTimestamp ?? undefined) !== undefined) return [];
        return [{ job, handle: this.handle(job), running: !jobOver(found) }];
      });
  }

  handle(job: WatchedJob): JobHandle {
    return new KubeHandle(this.client, this.target, job);
  }

  async ping(): Promise<void> {
    const { k8s, config } = await this.client();
    try {
      await config.makeApiClient(k8s.VersionApi).getCode();
    } catch (error) {
      throw kubeFailure(this.target, 'get /version', error);
    }
  }

  async check(): Promise<TargetCheck> {
    const base = { name: this.name, kind: 'kubernetes' as const, address: targetAddress(this.target) };
    try {
      const { k8s, config, core } = await this.client();
      const version = await config
        .makeApiClient(k8s.VersionApi)
        .getCode()
        .catch((error: unknown) => {
          throw kubeFailure(this.target, 'get /version', error);
        });
      await core.readNamespace({ name: this.target.namespace }).catch((error: unknown) => {
        throw kubeFailure(this.target, 'get namespace', error);
      });
      const inventory = await this.gpuInventory(core);
      const reached = { ...base, reachable: true, version: version.gitVersion, runtime: `image ${this.target.image}` };
      return { ...reached, gpus: inventory.length > 0, gpuInventory: inventory };
    } catch (error) {
      const failure = error instanceof AppError ? error : kubeFailure(this.target, 'reach the cluster', error);
      return { ...base, reachable: false, problem: `${failure.message} ${failure.hint ?? ''}`.trim() };
    }
  }

  /** `4 × NVIDIA H100 80GB HBM3`: the nodes' allocatable nvidia.com/gpu by product (a user who may not list nodes sees none). */
  private async gpuInventory(core: KubeClient['core']): Promise<string[]> {
    let nodes: z.infer<typeof nodeListSchema>;
    try {
      nodes = nodeListSchema.parse(await core.listNode());
    } catch {
      return [];
    }
    const counts = new Map<string, number>();
    for (const node of nodes.items) {
      const count = Number(node.status?.allocatable?.['nvidia.com/gpu'] ?? 0);
      if (!(count > 0)) continue;
      const product = node.metadata.labels?.['nvidia.com/gpu.product'] ?? 'NVIDIA GPU';
      counts.set(product, (counts.get(product) ?? 0) + count);
    }
    return [...counts].map(([product, count]) => `${count} × ${product}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
