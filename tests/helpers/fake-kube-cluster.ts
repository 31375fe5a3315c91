// The state of the fake Kubernetes API server (fake-kube.ts), a STAND-IN for a cluster: its Jobs, each
// with the one pod it runs (fake-kube-pods.ts), the pod watches open on it, and the resource version that
// every change of a pod moves on. The HTTP routes (fake-kube-routes.ts) and exec (fake-kube-exec.ts) act
// on it.
import type { ServerResponse } from 'node:http';
import { killPod, makePod, podObject, startPod, type FakeBehaviour, type FakePod } from './fake-kube-pods';

export interface StoredJob {
  manifest: { metadata: Record<string, unknown> & { name: string }; spec: Record<string, unknown> };
  pod: FakePod | undefined;
}

interface Watcher {
  selector: string | null;
  res: ServerResponse;
}

/** A Kubernetes Status object, the body of every refusal. */
export const statusBody = (code: number, message: string, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  reason,
  code,
});

/** Whether labels match an equality-based label selector ("a=b,c=d"); no selector matches all. */
export function matches(labels: Record<string, string>, selector: string | null): boolean {
  return (selector ?? '')
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.split('=');
      return labels[key!] === value;
    });
}

export class FakeCluster {
  readonly token = 'fake-token';
  readonly behaviour: FakeBehaviour = {};
  /** Refused with 403: "create jobs", "create pods/exec", … */
  readonly forbidden = new Set<string>();
  readonly jobs = new Map<string, StoredJob>();
  /** Every request, as "VERB path". */
  readonly requests: string[] = [];
  readonly watchers = new Set<Watcher>();
  version = 1;

  constructor(
    readonly namespace: string,
    readonly nodes: unknown[],
  ) {}

  /** Moves the resource version on and tells the watches whose selector the pod matches. */
  podChanged(pod: FakePod, type = 'MODIFIED'): void {
    this.version += 1;
    const object = podObject(pod, this.namespace, this.version);
    for (const watcher of this.watchers)
      if (matches(pod.labels, watcher.selector)) watcher.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  jobObject(stored: StoredJob) {
    const pod = stored.pod;
    const done = pod?.phase === 'Succeeded' ? 'Complete' : pod?.phase === 'Failed' ? 'Failed' : undefined;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      ...stored.manifest,
      status: done === undefined ? { active: 1 } : { conditions: [{ type: done, status: 'True' }] },
    };
  }

  /** Stores the Job and starts its pod (unless it cannot be scheduled); undefined if the name is taken. */
  createJob(manifest: StoredJob['manifest']): StoredJob | undefined {
    const name = manifest.metadata.name;
    if (this.jobs.has(name)) return undefined;
    const template = manifest.spec.template as {
      metadata: { labels: Record<string, string> };
      spec: { containers: never[] };
    };
    const pod = makePod(name, template.metadata.labels, template.spec.containers, this.behaviour);
    const stored = { manifest, pod };
    this.jobs.set(name, stored);
    this.podChanged(pod, 'ADDED');
    if (pod.unschedulable === undefined) setImmediate(() => startPod(pod, this.behaviour, () => this.podChanged(pod)));
    return stored;
  }

  /** Removes the Job and kills its pod after the grace period (30 s by default); false if there is none. */
  deleteJob(name: string, grace: number | undefined): boolean {
    const stored = this.jobs.get(name);
    if (stored === undefined) return false;
    this.jobs.delete(name);
    if (stored.pod !== undefined) this.deletePod(stored, grace ?? 30);
    return true;
  }

  deletePod(stored: StoredJob, grace: number): void {
    const pod = stored.pod!;
    stored.pod = undefined;
    void killPod(pod, grace).then(() => this.podChanged(pod, 'DELETED'));
  }

  pods(): FakePod[] {
    return [...this.jobs.values()].flatMap((stored) => (stored.pod === undefined ? [] : [stored.pod]));
  }

  findPod(name: string): FakePod | undefined {
    return this.pods().find((pod) => pod.name === name);
  }

  /** Kills every pod at once and ends the watches, as the server closes. */
  shutdown(): void {
    for (const name of [...this.jobs.keys()]) this.deleteJob(name, 0);
    for (const watcher of this.watchers) watcher.res.end();
  }
}
