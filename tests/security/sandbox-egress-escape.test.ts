// Getting out of a sandbox whose network is an allow-list without going through its egress proxy, or
// through the proxy to what the list does not name: each attempt is a tool call of a real run (the real
// loop, sandbox and proxy), with a package index of the test's own as the one listed host.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/main/core/model';
import type { ApprovalGate } from '../../src/main/core/ports';
import { createRunLoop } from '../../src/main/runs/run-loop';
import { loopConfigSchema } from '../../src/shared/loop-config';
import { startPackageIndex, type PackageIndex } from '../fixtures/package-index';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from '../fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from '../helpers/docker';
import { sandboxAppPerTest } from '../helpers/sandbox-app';
import { ScriptedModel, unusedModels, type Turn } from '../helpers/scripted-model';

const present = ciImagePresent();
const sandbox = sandboxAppPerTest('looplab-egress-escape-');
let index: PackageIndex;

const refuse: ApprovalGate = {
  decide: async (request) => ({ decision: 'rejected', by: 'policy', feedback: `Rejected (${request.rule}).` }),
};

/** Runs each command as one bash call of one run, and returns each call's output. */
async function attempts(commands: string[]): Promise<string[]> {
  const outputs: string[] = [];
  const last = (request: ModelRequest) => {
    const message = request.messages[request.messages.length - 1];
    return message?.role === 'tool' ? message.content : '';
  };
  const turns: Turn[] = commands.map((command, position) => (request: ModelRequest) => {
    if (position > 0) outputs.push(last(request));
    return { calls: [{ name: 'bash', args: { command, timeout: 30 } }] };
  });
  turns.push((request) => {
    outputs.push(last(request));
    return { text: 'done' };
  });
  const config = loopConfigSchema.parse({ maxSteps: commands.length + 2, network: { allow: [index.listed] } });
  const { app } = sandbox;
  const runId = app.store.createRun({ goal: 'get out', model: 'scripted/test', origin: 'new', config }).runId;
  const model = new ScriptedModel(turns);
  const loop = createRunLoop({
    app,
    runId,
    model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
    models: unusedModels,
    config,
    gate: refuse,
  });
  expect((await loop.run(new AbortController().signal)).status).toBe('finished');
  return outputs;
}

const python = (code: string) => `python3 -c '${code}' 2>&1 | tail -n 1`;

describe.skipIf(skipDocker || (!present && !dockerRequired))('sandbox escape: egress by allow-list', () => {
  beforeAll(async () => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    index = await startPackageIndex(new Docker(), CI_IMAGE);
  }, 60_000);

  afterAll(async () => {
    await index?.stop();
  });

  it('reaches the listed host through the proxy, and nothing by going around it', async () => {
    const [ip, port] = index.listed.split(':');
    const outputs = await attempts([
      // Through the proxy: the listed index answers, asked plainly and through a tunnel (as HTTPS goes).
      `curl -fsS -m 5 http://${index.listed}/simple/tinypkg/ | head -c 40`,
      `curl -fsS -m 5 -p http://${index.listed}/simple/tinypkg/ | head -c 40`,
      // The proxy variables removed: the same host, directly.
      `env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy curl -sS -m 5 http://${index.listed}/ 2>&1 | tail -n 1`,
      // A raw TCP socket to the listed address, and to a public one.
      python(`import socket; socket.create_connection(("${ip}", ${port}), timeout=5)`),
      python('import socket; socket.create_connection(("1.1.1.1", 443), timeout=5)'),
      // IPv6.
      python('import socket; socket.create_connection(("2606:4700:4700::1111", 443), timeout=5)'),
      // DNS over UDP and over TCP.
      python('import socket; socket.getaddrinfo("pypi.org", 443)'),
      python(
        'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"\\x00" * 12, ("8.8.8.8", 53)); s.settimeout(3); s.recv(512)',
      ),
      python('import socket; socket.create_connection(("8.8.8.8", 53), timeout=5)'),
      // Through the proxy, to another port of the listed host, to a raw address, and as CONNECT.
      `curl -sS -m 5 -o /dev/null -w "%{http_code}" http://${index.unlisted}/`,
      `curl -sS -m 5 -o /dev/null -w "%{http_code}" http://1.1.1.1/`,
      `curl -sS -m 5 -p -o /dev/null https://${ip}:22/ 2>&1 | tail -n 1`,
      // Straight to the proxy's socket, past the relay.
      python(
        `import socket; s = socket.socket(socket.AF_UNIX); s.connect("/run/looplab-net/proxy.sock"); s.sendall(b"CONNECT 1.1.1.1:443 HTTP/1.1\\r\\nHost: 1.1.1.1:443\\r\\n\\r\\n"); print(s.recv(200).split(b"\\r\\n")[0].decode())`,
      ),
      // A CONNECT that names a second host after the listed one, and one with a line break in its target.
      python(
        `import socket; s = socket.socket(socket.AF_UNIX); s.connect("/run/looplab-net/proxy.sock"); s.sendall(b"CONNECT ${index.listed}@1.1.1.1:443 HTTP/1.1\\r\\n\\r\\n"); print(s.recv(200).split(b"\\r\\n")[0].decode())`,
      ),
      python(
        `import socket; s = socket.socket(socket.AF_UNIX); s.connect("/run/looplab-net/proxy.sock"); s.sendall(b"CONNECT 1.1.1.1:443\\n${index.listed} HTTP/1.1\\r\\n\\r\\n"); print(s.recv(200).split(b"\\r\\n")[0].decode())`,
      ),
      // The list of interfaces: loopback only.
      `ls /sys/class/net`,
    ]);
    const [
      listed,
      tunnelled,
      unproxied,
      rawListed,
      rawPublic,
      ipv6,
      dns,
      dnsUdp,
      dnsTcp,
      otherPort,
      rawIp,
      connect,
      socketDirect,
      smuggled,
      broken,
      interfaces,
    ] = outputs;
    expect(listed).toContain('<!DOCTYPE html>');
    expect(tunnelled).toContain('<!DOCTYPE html>');
    expect(unproxied).toMatch(/Couldn't connect|Network is unreachable|Failed to connect/);
    for (const output of [rawListed, rawPublic, ipv6, dnsTcp])
      expect(output).toMatch(/Network is unreachable|OSError|Errno/);
    expect(dns).toMatch(/gaierror|Temporary failure|Name or service not known/);
    expect(dnsUdp).toMatch(/Network is unreachable|OSError|Errno/);
    expect(otherPort).toContain('403');
    expect(rawIp).toContain('403');
    expect(connect).toMatch(/403|CONNECT tunnel failed/);
    expect(socketDirect).toMatch(/^HTTP\/1.1 403 Forbidden\n/);
    // Read as one host (refused) or as no host at all (a 400 from the gateway): never as the listed one.
    for (const output of [smuggled, broken]) expect(output).toMatch(/^HTTP\/1.1 (400 Bad Request|403 Forbidden)\n/);
    expect(interfaces).toBe('lo\n[exit code 0]');
  });
});
