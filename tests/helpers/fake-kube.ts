// A fake Kubernetes API server on 127.0.0.1: a STAND-IN for a cluster, since none can start on these
// machines (a cluster's images come from a registry). It answers the real wire shapes
// @kubernetes/client-node uses: /version, a namespace, nodes, batch/v1 Jobs (create, get, list, delete),
// pods (list, watch, delete by label, follow the log) and exec over a WebSocket (v5/v4.channel.k8s.io).
// Its pods' containers really run as local child processes (fake-kube-pods.ts); its state is in
// fake-kube-cluster.ts, its routes in fake-kube-routes.ts and exec in fake-kube-exec.ts. It checks a
// bearer token (401 without it) and can refuse a verb on a resource (403), as RBAC does. It speaks plain
// HTTP, which the client allows only with insecure-skip-tls-verify: its kubeconfig says so (a real one
// has TLS).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { FakeCluster, statusBody, type StoredJob } from './fake-kube-cluster';
import { acceptExec } from './fake-kube-exec';
import type { FakeBehaviour } from './fake-kube-pods';
import { route, type Reply } from './fake-kube-routes';

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

export async function startFakeKube(options: { nodes?: unknown[]; namespace?: string } = {}): Promise<FakeKube> {
  const cluster = new FakeCluster(options.namespace ?? 'looplab', options.nodes ?? []);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    cluster.requests.push(`${req.method} ${url.pathname}`);
    const reply: Reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${cluster.token}`)
      return reply(401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    route({ cluster, req, res, url, reply }).catch((error: unknown) =>
      reply(500, statusBody(500, String(error), 'InternalError')),
    );
  });
  const sockets = acceptExec(server, cluster);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const { token, namespace, behaviour, forbidden, jobs, requests } = cluster;
  return {
    url,
    token,
    namespace,
    behaviour,
    forbidden,
    jobs,
    requests,
    writeKubeconfig(folder: string): string {
      mkdirSync(folder, { recursive: true });
      const file = join(folder, 'kubeconfig');
      writeFileSync(file, kubeconfigText(url, token, namespace));
      return file;
    },
    async close() {
      cluster.shutdown();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
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
