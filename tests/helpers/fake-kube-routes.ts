// The HTTP routes of the fake Kubernetes API server (fake-kube.ts), a STAND-IN for a cluster: one handler
// per resource, each answering the wire shapes @kubernetes/client-node reads, from the cluster's state
// (fake-kube-cluster.ts). A verb the test forbade on a resource is refused with 403, as RBAC does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matches, statusBody, type FakeCluster, type StoredJob } from './fake-kube-cluster';
import { podObject, type FakePod } from './fake-kube-pods';

export type Reply = (status: number, body: unknown) => void;

/** One request on its way through the routes. */
interface Call {
  cluster: FakeCluster;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  reply: Reply;
}

const selectorOf = (call: Call) => call.url.searchParams.get('labelSelector');

/** Refuses the call with 403 if the test forbade `what` ("create jobs"); true if it did. */
function deny(call: Call, what: string): boolean {
  if (!call.cluster.forbidden.has(what)) return false;
  const [verb, resource] = what.split(' ');
  const message = `${resource} is forbidden: User "looplab" cannot ${verb} resource "${resource}" in the namespace "${call.cluster.namespace}"`;
  call.reply(403, statusBody(403, message, 'Forbidden'));
  return true;
}

export async function route(call: Call): Promise<void> {
  const { cluster, url, req } = call;
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const base = `/namespaces/${cluster.namespace}`;
  if (path === '/version')
    return call.reply(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-fake', platform: 'linux/amd64' });
  if (path.startsWith('/api/v1/namespaces/') && path.split('/').length === 5) return getNamespace(call, path);
  if (path === '/api/v1/nodes') return listNodes(call);
  if (path === `/apis/batch/v1${base}/jobs`) return method === 'POST' ? createJob(call) : listJobs(call);
  const jobName = new RegExp(`^/apis/batch/v1${base}/jobs/([^/]+)$`).exec(path)?.[1];
  if (jobName !== undefined) return method === 'DELETE' ? deleteJob(call, jobName) : getJob(call, jobName);
  if (path === `/api/v1${base}/pods`) {
    if (method === 'DELETE') return deletePods(call);
    return url.searchParams.get('watch') === 'true' ? watchPods(call) : listPods(call);
  }
  const logOf = new RegExp(`^/api/v1${base}/pods/([^/]+)/log$`).exec(path)?.[1];
  if (logOf !== undefined) return podLog(call, logOf);
  const message = `the server could not find the requested resource (${method} ${path})`;
  call.reply(404, statusBody(404, message, 'NotFound'));
}

function getNamespace(call: Call, path: string): void {
  const name = path.split('/')[4];
  if (name !== call.cluster.namespace)
    return call.reply(404, statusBody(404, `namespaces "${name}" not found`, 'NotFound'));
  call.reply(200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
}

function listNodes(call: Call): void {
  if (deny(call, 'list nodes')) return;
  call.reply(200, { apiVersion: 'v1', kind: 'NodeList', metadata: {}, items: call.cluster.nodes });
}

async function createJob(call: Call): Promise<void> {
  if (deny(call, 'create jobs')) return;
  const manifest = JSON.parse(await body(call.req)) as StoredJob['manifest'];
  const stored = call.cluster.createJob(manifest);
  if (stored === undefined) {
    const message = `jobs.batch "${manifest.metadata.name}" already exists`;
    return call.reply(409, statusBody(409, message, 'AlreadyExists'));
  }
  call.reply(201, call.cluster.jobObject(stored));
}

function listJobs(call: Call): void {
  if (deny(call, 'list jobs')) return;
  const { cluster } = call;
  const items = [...cluster.jobs.values()].filter((stored) =>
    matches((stored.manifest.metadata.labels ?? {}) as Record<string, string>, selectorOf(call)),
  );
  call.reply(200, {
    apiVersion: 'batch/v1',
    kind: 'JobList',
    metadata: { resourceVersion: String(cluster.version) },
    items: items.map((stored) => cluster.jobObject(stored)),
  });
}

const jobNotFound = (name: string) => statusBody(404, `jobs.batch "${name}" not found`, 'NotFound');

function getJob(call: Call, name: string): void {
  const stored = call.cluster.jobs.get(name);
  if (stored === undefined) return call.reply(404, jobNotFound(name));
  call.reply(200, call.cluster.jobObject(stored));
}

function deleteJob(call: Call, name: string): void {
  const grace = call.url.searchParams.get('gracePeriodSeconds');
  if (deny(call, 'delete jobs')) return;
  if (!call.cluster.deleteJob(name, grace === null ? undefined : Number(grace)))
    return call.reply(404, jobNotFound(name));
  call.reply(200, { kind: 'Status', status: 'Success' });
}

function deletePods(call: Call): void {
  const grace = Number(call.url.searchParams.get('gracePeriodSeconds') ?? 30);
  for (const stored of call.cluster.jobs.values())
    if (stored.pod !== undefined && matches(stored.pod.labels, selectorOf(call))) call.cluster.deletePod(stored, grace);
  call.reply(200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] });
}

/** Keeps the response open and writes each change of a matching pod to it, one JSON event a line. */
function watchPods(call: Call): void {
  call.res.writeHead(200, { 'content-type': 'application/json' });
  const watcher = { selector: selectorOf(call), res: call.res };
  call.cluster.watchers.add(watcher);
  call.res.on('close', () => call.cluster.watchers.delete(watcher));
}

function listPods(call: Call): void {
  const { cluster } = call;
  const items = cluster
    .pods()
    .filter((pod) => matches(pod.labels, selectorOf(call)))
    .map((pod) => podObject(pod, cluster.namespace, cluster.version));
  const metadata = { resourceVersion: String(cluster.version) };
  call.reply(200, { apiVersion: 'v1', kind: 'PodList', metadata, items });
}

function podLog(call: Call, name: string): void {
  const pod = call.cluster.findPod(name);
  if (pod === undefined) return call.reply(404, statusBody(404, `pods "${name}" not found`, 'NotFound'));
  if (!pod.processes.has('job') && !pod.terminated.has('job')) {
    const message = `container "job" in pod "${name}" is waiting to start: ContainerCreating`;
    return call.reply(400, statusBody(400, message, 'BadRequest'));
  }
  followLog(pod, call.url.searchParams.get('follow') === 'true', call.res);
}

/** Writes the log so far and, when following a running container, each chunk it prints until it ends. */
function followLog(pod: FakePod, follow: boolean, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  for (const chunk of pod.log) res.write(chunk);
  if (!follow || pod.terminated.has('job') || !pod.processes.has('job')) {
    res.end();
    return;
  }
  const waiter = (chunk: Buffer | null) =>
    chunk === null ? (pod.logWaiters.delete(waiter), res.end()) : res.write(chunk);
  pod.logWaiters.add(waiter);
  res.on('close', () => pod.logWaiters.delete(waiter));
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
