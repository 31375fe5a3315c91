// The pods of the fake Kubernetes API server (fake-kube.ts): a STAND-IN for a cluster's kubelet, which no
// test machine here can run. Each Job gets one pod whose containers really run, as local `sh -c` child
// processes in a temp folder that stands for the pod's emptyDir at /workspace (the path is rewritten in
// their commands and environment), so their logs and exit codes are real. A test can leave a pod
// Unschedulable, or have its main container killed as OOMKilled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeBehaviour {
  /** The scheduler's message for pods that cannot be placed (they stay Pending). */
  unschedulable?: string | undefined;
  /** The main container is killed as OOMKilled once it printed this. */
  oomAfter?: string | undefined;
}

interface ContainerSpec {
  name: string;
  command: string[];
  env?: { name: string; value: string }[];
}

export interface FakePod {
  name: string;
  jobName: string;
  labels: Record<string, string>;
  dir: string;
  created: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  unschedulable?: string | undefined;
  processes: Map<string, ChildProcess>;
  terminated: Map<string, { exitCode: number; reason: string; finishedAt: string }>;
  containers: ContainerSpec[];
  log: Buffer[];
  logWaiters: Set<(chunk: Buffer | null) => void>;
}

let serial = 0;

export function makePod(
  jobName: string,
  labels: Record<string, string>,
  containers: ContainerSpec[],
  behaviour: FakeBehaviour,
): FakePod {
  serial += 1;
  return {
    name: `${jobName}-${serial.toString(36).padStart(5, 'x')}`,
    jobName,
    labels: { ...labels, 'job-name': jobName, 'batch.kubernetes.io/job-name': jobName },
    dir: mkdtempSync(join(tmpdir(), 'fake-kube-pod-')),
    created: new Date().toISOString(),
    phase: 'Pending',
    unschedulable: behaviour.unschedulable,
    processes: new Map(),
    terminated: new Map(),
    containers,
    log: [],
    logWaiters: new Set(),
  };
}

const inPod = (pod: FakePod, text: string) => text.replaceAll('/workspace', pod.dir);

/** Starts the pod's containers; `changed` is called on every change of its state. */
export function startPod(pod: FakePod, behaviour: FakeBehaviour, changed: () => void): void {
  pod.phase = 'Running';
  for (const container of pod.containers) {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const each of container.env ?? []) env[each.name] = inPod(pod, each.value);
    const [file, ...args] = container.command.map((part) => inPod(pod, part));
    const child = spawn(file!, args, { cwd: pod.dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    pod.processes.set(container.name, child);
    let oom = false;
    const take = (chunk: Buffer) => {
      if (container.name !== 'job') return;
      pod.log.push(chunk);
      for (const waiter of pod.logWaiters) waiter(chunk);
      if (behaviour.oomAfter !== undefined && chunk.toString().includes(behaviour.oomAfter) && !oom) {
        oom = true;
        signalGroup(child, 'SIGKILL');
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('close', (code, signal) => {
      pod.processes.delete(container.name);
      const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
      pod.terminated.set(container.name, { exitCode, reason, finishedAt: new Date().toISOString() });
      if (container.name === 'job') for (const waiter of pod.logWaiters) waiter(null);
      if (pod.terminated.size === pod.containers.length)
        pod.phase = [...pod.terminated.values()].every((end) => end.exitCode === 0) ? 'Succeeded' : 'Failed';
      changed();
    });
  }
  changed();
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Ends the pod's processes as the kubelet does: SIGTERM, then SIGKILL after the grace period. */
export function killPod(pod: FakePod, graceSeconds: number): Promise<void> {
  const left = [...pod.processes.values()];
  const closed = Promise.all(left.map((child) => new Promise((resolve) => child.once('close', resolve))));
  for (const child of left) signalGroup(child, graceSeconds === 0 ? 'SIGKILL' : 'SIGTERM');
  const timer = setTimeout(() => left.forEach((child) => signalGroup(child, 'SIGKILL')), graceSeconds * 1000);
  return closed.then(() => {
    clearTimeout(timer);
    rmSync(pod.dir, { recursive: true, force: true });
  });
}

/** The pod as the API server shows it. */
export function podObject(pod: FakePod, namespace: string, resourceVersion: number): Record<string, unknown> {
  const statusOf = (name: string) => {
    const ended = pod.terminated.get(name);
    if (ended !== undefined) return { terminated: { ...ended, startedAt: pod.created } };
    if (pod.processes.has(name)) return { running: { startedAt: pod.created } };
    return { waiting: { reason: 'ContainerCreating' } };
  };
  const scheduled =
    pod.unschedulable === undefined
      ? { type: 'PodScheduled', status: 'True' }
      : { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: pod.unschedulable };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace,
      labels: pod.labels,
      creationTimestamp: pod.created,
      resourceVersion: String(resourceVersion),
    },
    status: {
      phase: pod.phase,
      conditions: [scheduled],
      ...(pod.unschedulable === undefined
        ? { containerStatuses: pod.containers.map((c) => ({ name: c.name, state: statusOf(c.name) })) }
        : {}),
    },
  };
}
