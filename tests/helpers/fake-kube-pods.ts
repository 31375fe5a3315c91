// The pods of the fake Kubernetes API server (fake-kube.ts): a STAND-IN for a cluster's kubelet, which no
// test machine here can run. Each Job gets one pod whose containers really run, as local `sh -c` child
// processes in a temp folder that stands for the pod's emptyDir at /workspace (the path is rewritten in
// their commands and environment), so their logs and exit codes are real. A container's processes all end
// when its first one does, as in a PID namespace. A test can leave a pod Unschedulable, or have its main
// container killed as OOMKilled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
    const tag = `${pod.name}/${container.name}`;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', [CONTAINER_ENV]: tag };
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
        signalContainer(tag, 'SIGKILL');
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    // A container's processes end with its first one, as a PID namespace's do.
    child.on('exit', () => signalContainer(tag, 'SIGKILL'));
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

/**
 * Each process of a container carries this variable (its children inherit it): what a PID namespace
 * would hold, even after the command put itself in a session or process group of its own.
 */
const CONTAINER_ENV = 'FAKE_KUBE_CONTAINER';

/** Signals every process of a container, found by the variable in /proc/<pid>/environ. */
function signalContainer(tag: string, signal: NodeJS.Signals): void {
  const mark = Buffer.from(`${CONTAINER_ENV}=${tag}\0`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`).includes(mark)) process.kill(Number(entry), signal);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

/** Ends the pod's processes as the kubelet does: SIGTERM, then SIGKILL after the grace period. */
export function killPod(pod: FakePod, graceSeconds: number): Promise<void> {
  const left = [...pod.processes.entries()];
  const closed = Promise.all(left.map(([, child]) => new Promise((resolve) => child.once('close', resolve))));
  const killAll = () => left.forEach(([name]) => signalContainer(`${pod.name}/${name}`, 'SIGKILL'));
  // SIGTERM goes to each container's first process, as the kubelet's does; SIGKILL to all of them.
  if (graceSeconds === 0) killAll();
  else left.forEach(([, child]) => child.kill('SIGTERM'));
  const timer = setTimeout(killAll, graceSeconds * 1000);
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
