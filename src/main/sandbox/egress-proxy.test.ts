// The egress proxy on its Unix socket, driven by a plain HTTP client (what the relay in a container
// forwards): who may pass, what a refusal says, what each connection reports, and private addresses;
// through the egress gateway (this machine's Python) and with proxy-chain alone, where it cannot run.
import { request, createServer, type Server } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EgressGateway, egressGateway, egressSummary } from './egress-gateway';
import { EgressProxy, isPrivateAddress, type EgressDecision, type EgressRecord } from './egress-proxy';

let folder: string;
let web: Server;
let port: number;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'looplab-egress-'));
  web = createServer((req, res) => res.end(`hello ${req.url}`));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  port = (web.address() as { port: number }).port;
});

afterEach(() => {
  web.close();
  rmSync(folder, { recursive: true, force: true });
});

/** A GET of `url` through the proxy's socket, as curl with HTTP_PROXY sends it. */
function get(proxy: EgressProxy, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: proxy.socketPath, path: url, headers: { host: new URL(url).host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function open(decide: (host: string, port: number) => EgressDecision) {
  const records: EgressRecord[] = [];
  const closed: Array<() => void> = [];
  const proxy = await EgressProxy.open({
    folder,
    decide: async ({ host, port: to }) => decide(host, to),
    onConnection: (record) => {
      records.push(record);
      closed.shift()?.();
    },
  });
  const nextRecord = () => new Promise<void>((resolve) => closed.push(resolve));
  return { proxy, records, nextRecord };
}

/** A CONNECT to `target` through the proxy's socket, then a GET of `path` in the tunnel, as pip does. */
function tunnel(proxy: EgressProxy, target: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: proxy.socketPath, method: 'CONNECT', path: target });
    req.on('connect', (res, socket: Socket, head: Buffer) => {
      let body = head.toString();
      socket.on('data', (chunk: Buffer) => (body += chunk.toString()));
      socket.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      socket.on('error', reject);
      if (res.statusCode === 200) socket.write(`GET ${path} HTTP/1.1\r\nhost: ${target}\r\nconnection: close\r\n\r\n`);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the socket answers to raw bytes (requests no HTTP client would send). */
function raw(proxy: EgressProxy, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(proxy.socketPath, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    // A socket closed with our bytes unread resets: what it answered first still counts.
    socket.on('error', (error) => (answer === '' ? reject(error) : resolve(answer)));
  });
}

describe.each([
  ['through the egress gateway', 'on'],
  ['with proxy-chain alone', 'off'],
])('the egress proxy %s', (_name, gateway) => {
  const before = process.env.LOOPLAB_EGRESS_GATEWAY;
  beforeAll(() => {
    process.env.LOOPLAB_EGRESS_GATEWAY = gateway;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.LOOPLAB_EGRESS_GATEWAY;
    else process.env.LOOPLAB_EGRESS_GATEWAY = before;
  });

  it('passes an allowed tunnel and reports its bytes each way', async () => {
    const { proxy, records, nextRecord } = await open(() => ({ allowed: true, exact: true }));
    expect(proxy.spliced).toBe(gateway === 'on');
    const recorded = nextRecord();
    const answer = await tunnel(proxy, `127.0.0.1:${port}`, '/files/model.bin');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('hello /files/model.bin');
    await recorded;
    expect(records).toEqual([expect.objectContaining({ host: '127.0.0.1', port, allowed: true })]);
    expect(records[0]!.bytesIn).toBeGreaterThan(answer.body.length);
    expect(records[0]!.bytesOut).toBeGreaterThan(`GET /files/model.bin HTTP/1.1\r\n`.length);
    await proxy.close();
  });

  it('refuses a tunnel with a 403 whose text is the reason', async () => {
    const { proxy, records, nextRecord } = await open((host, to) => ({
      allowed: false,
      reason: `${host}:${to} is not on this run's network allow-list`,
    }));
    const recorded = nextRecord();
    const answer = await tunnel(proxy, `files.example.org:443`);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("files.example.org:443 is not on this run's network allow-list");
    await recorded;
    expect(records[0]).toMatchObject({ host: 'files.example.org', port: 443, allowed: false });
    await proxy.close();
  });

  it('lets an allowed host through and reports the connection with its bytes', async () => {
    const { proxy, records, nextRecord } = await open(() => ({ allowed: true, exact: true }));
    expect(statSync(proxy.socketPath).mode & 0o777).toBe(0o600);
    const recorded = nextRecord();
    expect(await get(proxy, `http://127.0.0.1:${port}/simple/`)).toEqual({ status: 200, body: 'hello /simple/' });
    await proxy.close();
    await recorded;
    expect(records).toEqual([
      expect.objectContaining({ host: '127.0.0.1', port, allowed: true, bytesIn: expect.any(Number) }),
    ]);
    expect(records[0]!.bytesIn).toBeGreaterThan(0);
  });

  it('refuses with a 403 whose text is the reason, and reports the refusal', async () => {
    const { proxy, records, nextRecord } = await open((host, to) => ({
      allowed: false,
      reason: `${host}:${to} is not on this run's network allow-list`,
    }));
    const recorded = nextRecord();
    const answer = await get(proxy, `http://127.0.0.1:${port}/`);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain(`127.0.0.1:${port} is not on this run's network allow-list`);
    await recorded;
    expect(records[0]).toMatchObject({
      allowed: false,
      reason: `127.0.0.1:${port} is not on this run's network allow-list`,
    });
    await proxy.close();
  });

  it('does not let a name allowed by a pattern lead to a private address', async () => {
    const { proxy, records, nextRecord } = await open(() => ({ allowed: true, exact: false }));
    // localhost resolves to 127.0.0.1: allowed by a wildcard it would reach this machine's services.
    const recorded = nextRecord();
    const byName = await get(proxy, `http://localhost:${port}/`);
    expect(byName.status).toBeGreaterThanOrEqual(400);
    expect(byName.body).not.toContain('hello');
    await recorded;
    expect(records[0]).toMatchObject({
      host: 'localhost',
      allowed: false,
      reason: expect.stringMatching(
        /^localhost resolves to (127\.0\.0\.1|::1), an address of this machine or its network/,
      ),
    });
    const byAddress = await get(proxy, `http://127.0.0.1:${port}/`);
    expect(byAddress.status).toBe(403);
    expect(byAddress.body).toContain('127.0.0.1 is an address of this machine or its network');
    await proxy.close();
  });
});

describe('the egress gateway', () => {
  it('refuses a tunnel to a name allowed by a pattern that resolves to this machine, saying so', async () => {
    const { proxy, records, nextRecord } = await open(() => ({ allowed: true, exact: false }));
    const recorded = nextRecord();
    const answer = await tunnel(proxy, `localhost:${port}`);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), an address of this machine/m);
    await recorded;
    expect(records[0]).toMatchObject({ host: 'localhost', allowed: false });
    await proxy.close();
  });

  it('answers requests no client would send with a status that says what was wrong, asking nobody', async () => {
    let asked = 0;
    const { proxy } = await open(() => {
      asked += 1;
      return { allowed: true, exact: true };
    });
    expect(await raw(proxy, 'CONNECT nohost HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 [^]*names no host and port/);
    expect(await raw(proxy, `CONNECT a.org:1 HTTP/1.1\r\nx: ${'y'.repeat(20_000)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431 /,
    );
    expect(await raw(proxy, 'CONNECT a.org:443 HTTP/1.1\r\n')).toBe('');
    expect(await raw(proxy, 'CONNECT a.org:0 HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 [^]*0 is not a port/);
    expect(asked).toBe(0);
    await proxy.close();
  });

  it('holds at most 256 connections open for a run, answering the next with a 503', async () => {
    const { proxy } = await open(() => ({ allowed: true, exact: true }));
    const held: Socket[] = [];
    // One after another, again after a moment when the socket's backlog is full (EAGAIN): held once accepted.
    while (held.length < 256) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const socket = netConnect(proxy.socketPath, () => resolve(socket));
        socket.on('error', () => setTimeout(() => resolve(undefined), 10));
      });
      if (socket !== undefined) held.push(socket);
    }
    await expect
      .poll(() => raw(proxy, 'CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n'))
      .toMatch(/^HTTP\/1\.1 503 [^]*256 connections/);
    for (const socket of held) socket.destroy();
    await expect.poll(async () => (await tunnel(proxy, `127.0.0.1:${port}`, '/again')).body).toContain('hello /again');
    await proxy.close();
  });

  it('says why it cannot run where there is no such Python, and what downloads do then', async () => {
    expect(await EgressGateway.start('/nonexistent/python3')).toBe(
      'the egress gateway (/nonexistent/python3) cannot run here: spawn /nonexistent/python3 ENOENT',
    );
    const before = process.env.LOOPLAB_PYTHON;
    process.env.LOOPLAB_PYTHON = '/nonexistent/python3';
    try {
      expect(await egressSummary()).toBe(
        'downloads copied by the app, slower on fast links (the egress gateway (/nonexistent/python3) cannot run here: spawn /nonexistent/python3 ENOENT)',
      );
    } finally {
      if (before === undefined) delete process.env.LOOPLAB_PYTHON;
      else process.env.LOOPLAB_PYTHON = before;
    }
  });

  it('hands the socket to proxy-chain when the gateway ends mid-run', async () => {
    const { proxy } = await open(() => ({ allowed: true, exact: true }));
    expect(proxy.spliced).toBe(true);
    (await egressGateway())!.kill();
    await expect.poll(() => proxy.spliced).toBe(false);
    await expect
      .poll(async () => (await tunnel(proxy, `127.0.0.1:${port}`, '/after').catch(() => ({ body: '' }))).body)
      .toContain('hello /after');
    await proxy.close();
  });
});

describe('private addresses', () => {
  it('knows the private ranges', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.17.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['151.101.0.223', '8.8.8.8', '2606:4700::1111'])
      expect(isPrivateAddress(address), address).toBe(false);
  });
});
