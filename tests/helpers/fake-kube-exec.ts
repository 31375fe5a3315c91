// Exec for the fake Kubernetes API server (fake-kube.ts), a STAND-IN for a cluster: a WebSocket upgrade on
// a pod's exec path (v5/v4.channel.k8s.io) runs the command as a local child process in the pod's folder,
// its stdin, stdout, stderr and final status on the channels of the k8s exec protocol.
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeCluster } from './fake-kube-cluster';
import type { FakePod } from './fake-kube-pods';

/** Answers exec upgrades on the server: 401 without the token, 403 if forbidden, 404 for no such pod. */
export function acceptExec(server: Server, cluster: FakeCluster): WebSocketServer {
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : 'v4.channel.k8s.io'),
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    cluster.requests.push(`EXEC ${url.pathname}`);
    const podName = new RegExp(`^/api/v1/namespaces/${cluster.namespace}/pods/([^/]+)/exec$`).exec(url.pathname)?.[1];
    const pod = podName === undefined ? undefined : cluster.findPod(podName);
    const refuse =
      req.headers.authorization !== `Bearer ${cluster.token}`
        ? 401
        : cluster.forbidden.has('create pods/exec')
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
  return sockets;
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
    send(3, Buffer.from(JSON.stringify(exitStatus(code))));
    ws.close();
  });
}

/** The Status the API server sends on the error channel when an exec's command ends. */
function exitStatus(code: number | null) {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}
