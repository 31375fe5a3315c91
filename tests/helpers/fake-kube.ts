// A fake Kubernetes API server on 127.0.0.1: a STAND-IN for a cluster, since none can start on these
// machines (a cluster's images come from a registry). It answers the real wire shapes
// @kubernetes/client-node uses: /version, a namespace, nodes, batch/v1 Jobs (create, get, list, delete),
// pods (list, watch, delete by label, follow the log) and exec over a WebSocket (v5/v4.channel.k8s.io).
// Its pods' containers really run as local child processes (fake-kube-pods.ts). It checks a bearer token
// (401 without it) and can refuse a verb on a resource (403), as RBAC does. It speaks plain HTTP, which
// the client allows only with insecure-skip-tls-verify: its kubeconfig says so (a real one has TLS).
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { killPod, makePod, podObject, startPod, type FakeBehaviour, type FakePod } from './fake-kube-pods';

interface StoredJob {
  manifest: { metadata: Record<string, unknown> & { name: string }; spec: Record<string, unknown> };
  pod: FakePod | undefined;
}

export interface FakeKube {
  url: string;
  token: string;
  namespace: string;
  behaviour: FakeBehaviour;
  /** Refused with 403: "create jobs", "create pods/exec", … */
  forbidden: Set<string>;
  jobs: Map<string, StoredJob>;
  /** Every request, as "VERB path". */
  requests: string[];
  writeKubeconfig(folder: string): string;
  close(): Promise<void>;
}

type Reply = (status: number, body: unknown) => void;

const statusBody = (code: number, message: string, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  reason,
  code,
});

function matches(labels: Record<string, string>, selector: string | null): boolean {
  return (selector ?? '')
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.split('=');
      return labels[key!] === value;
    });
}

export async function startFakeKube(options: { nodes?: unknown[]; namespace?: string } = {}): Promise<FakeKube> {
  const namespace = options.namespace ?? 'looplab';
  const jobs = new Map<string, StoredJob>();
  const watchers = new Set<{ selector: string | null; res: ServerResponse }>();
  let version = 1;
  const fake = {
    token: 'fake-token',
    namespace,
    behaviour: {} as FakeBehaviour,
    forbidden: new Set<string>(),
    jobs,
    requests: [] as string[],
  };

  const podChanged = (pod: FakePod, type = 'MODIFIED') => {
    version += 1;
    const object = podObject(pod, namespace, version);
    for (const watcher of watchers)
      if (matches(pod.labels, watcher.selector)) watcher.res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const jobObject = (stored: StoredJob) => {
    const pod = stored.pod;
    const done = pod?.phase === 'Succeeded' ? 'Complete' : pod?.phase === 'Failed' ? 'Failed' : undefined;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      ...stored.manifest,
      status: done === undefined ? { active: 1 } : { conditions: [{ type: done, status: 'True' }] },
    };
  };

  const createJob = (body: StoredJob['manifest'], reply: Reply) => {
    const name = body.metadata.name;
    if (jobs.has(name)) return reply(409, statusBody(409, `jobs.batch "${name}" already exists`, 'AlreadyExists'));
    const template = body.spec.template as {
      metadata: { labels: Record<string, string> };
      spec: { containers: never[] };
    };
    const pod = makePod(name, template.metadata.labels, template.spec.containers, fake.behaviour);
    const stored = { manifest: body, pod };
    jobs.set(name, stored);
    podChanged(pod, 'ADDED');
    if (pod.unschedulable === undefined) setImmediate(() => startPod(pod, fake.behaviour, () => podChanged(pod)));
    reply(201, jobObject(stored));
  };

  const deleteJob = (name: string, grace: number | undefined) => {
    const stored = jobs.get(name);
    if (stored === undefined) return false;
    jobs.delete(name);
    if (stored.pod !== undefined) deletePod(stored, grace ?? 30);
    return true;
  };
  const deletePod = (stored: StoredJob, grace: number) => {
    const pod = stored.pod!;
    stored.pod = undefined;
    void killPod(pod, grace).then(() => podChanged(pod, 'DELETED'));
  };

  const pods = () => [...jobs.values()].flatMap((stored) => (stored.pod === undefined ? [] : [stored.pod]));
  const findPod = (name: string) => pods().find((pod) => pod.name === name);

  const followLog = (pod: FakePod, follow: boolean, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (const chunk of pod.log) res.write(chunk);
    if (!follow || pod.terminated.has('job') || !pod.processes.has('job')) return res.end();
    const waiter = (chunk: Buffer | null) =>
      chunk === null ? (pod.logWaiters.delete(waiter), res.end()) : res.write(chunk);
    pod.logWaiters.add(waiter);
    res.on('close', () => pod.logWaiters.delete(waiter));
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL, reply: Reply) => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const base = `/namespaces/${namespace}`;
    const selector = url.searchParams.get('labelSelector');
    const deny = (what: string) => {
      if (!fake.forbidden.has(what)) return false;
      const [verb, resource] = what.split(' ');
      reply(
        403,
        statusBody(
          403,
          `${resource} is forbidden: User "looplab" cannot ${verb} resource "${resource}" in the namespace "${namespace}"`,
          'Forbidden',
        ),
      );
      return true;
    };
    if (path === '/version')
      return reply(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-fake', platform: 'linux/amd64' });
    if (path === `/api/v1/namespaces/${namespace}`)
      return reply(200, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
        status: { phase: 'Active' },
      });
    if (path.startsWith('/api/v1/namespaces/') && path.split('/').length === 5)
      return reply(404, statusBody(404, `namespaces "${path.split('/')[4]}" not found`, 'NotFound'));
    if (path === '/api/v1/nodes')
      return (
        deny('list nodes') ||
        reply(200, { apiVersion: 'v1', kind: 'NodeList', metadata: {}, items: options.nodes ?? [] })
      );
    if (path === `/apis/batch/v1${base}/jobs`) {
      if (method === 'POST')
        return deny('create jobs') || createJob(JSON.parse(await body(req)) as StoredJob['manifest'], reply);
      const items = [...jobs.values()].filter((stored) =>
        matches((stored.manifest.metadata.labels ?? {}) as Record<string, string>, selector),
      );
      return (
        deny('list jobs') ||
        reply(200, {
          apiVersion: 'batch/v1',
          kind: 'JobList',
          metadata: { resourceVersion: String(version) },
          items: items.map(jobObject),
        })
      );
    }
    const jobName = new RegExp(`^/apis/batch/v1${base}/jobs/([^/]+)$`).exec(path)?.[1];
    if (jobName !== undefined) {
      const stored = jobs.get(jobName);
      if (method === 'DELETE') {
        const grace = url.searchParams.get('gracePeriodSeconds');
        if (deny('delete jobs')) return;
        return deleteJob(jobName, grace === null ? undefined : Number(grace))
          ? reply(200, { kind: 'Status', status: 'Success' })
          : reply(404, statusBody(404, `jobs.batch "${jobName}" not found`, 'NotFound'));
      }
      return stored === undefined
        ? reply(404, statusBody(404, `jobs.batch "${jobName}" not found`, 'NotFound'))
        : reply(200, jobObject(stored));
    }
    if (path === `/api/v1${base}/pods`) {
      if (method === 'DELETE') {
        const grace = Number(url.searchParams.get('gracePeriodSeconds') ?? 30);
        for (const stored of jobs.values())
          if (stored.pod !== undefined && matches(stored.pod.labels, selector)) deletePod(stored, grace);
        return reply(200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] });
      }
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const watcher = { selector, res };
        watchers.add(watcher);
        return res.on('close', () => watchers.delete(watcher));
      }
      const items = pods()
        .filter((pod) => matches(pod.labels, selector))
        .map((pod) => podObject(pod, namespace, version));
      return reply(200, { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(version) }, items });
    }
    const logOf = new RegExp(`^/api/v1${base}/pods/([^/]+)/log$`).exec(path)?.[1];
    if (logOf !== undefined) {
      const pod = findPod(logOf);
      if (pod === undefined) return reply(404, statusBody(404, `pods "${logOf}" not found`, 'NotFound'));
      if (!pod.processes.has('job') && !pod.terminated.has('job'))
        return reply(
          400,
          statusBody(400, `container "job" in pod "${logOf}" is waiting to start: ContainerCreating`, 'BadRequest'),
        );
      return followLog(pod, url.searchParams.get('follow') === 'true', res);
    }
    reply(404, statusBody(404, `the server could not find the requested resource (${method} ${path})`, 'NotFound'));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push(`${req.method} ${url.pathname}`);
    const reply: Reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${fake.token}`)
      return reply(401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    route(req, res, url, reply).catch((error: unknown) => reply(500, statusBody(500, String(error), 'InternalError')));
  });
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : 'v4.channel.k8s.io'),
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push(`EXEC ${url.pathname}`);
    const podName = new RegExp(`^/api/v1/namespaces/${namespace}/pods/([^/]+)/exec$`).exec(url.pathname)?.[1];
    const pod = podName === undefined ? undefined : findPod(podName);
    const refuse =
      req.headers.authorization !== `Bearer ${fake.token}`
        ? 401
        : fake.forbidden.has('create pods/exec')
          ? 403
          : pod === undefined
            ? 404
            : 0;
    if (refuse !== 0) {
      socket.end(`HTTP/1.1 ${refuse} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => runExec(ws, pod!, url.searchParams.getAll('command')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return {
    ...fake,
    url,
    writeKubeconfig(folder: string): string {
      mkdirSync(folder, { recursive: true });
      const file = join(folder, 'kubeconfig');
      writeFileSync(file, kubeconfigText(url, fake.token, namespace));
      return file;
    },
    async close() {
      for (const stored of [...jobs.keys()]) deleteJob(stored, 0);
      for (const watcher of watchers) watcher.res.end();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs an exec's command in the pod's folder, its streams on the channels of the k8s exec protocol. */
function runExec(ws: WebSocket, pod: FakePod, command: string[]): void {
  const [file, ...args] = command;
  const child = spawn(file!, args, { cwd: pod.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const send = (channel: number, data: Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), data]));
  child.stdout.on('data', (chunk: Buffer) => send(1, chunk));
  child.stderr.on('data', (chunk: Buffer) => send(2, chunk));
  child.stdin.on('error', () => undefined);
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0) child.stdin.write(data.subarray(1));
    else if (data[0] === 255 && data[1] === 0) child.stdin.end();
  });
  ws.on('close', () => child.kill('SIGKILL'));
  child.on('close', (code) => {
    const status =
      code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: ${code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
          };
    send(3, Buffer.from(JSON.stringify(status)));
    ws.close();
  });
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function kubeconfigText(server: string, token: string, namespace: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: looplab
  user:
    token: ${token}
contexts:
- name: fake
  context:
    cluster: fake
    user: looplab
    namespace: ${namespace}
current-context: fake
`;
}
