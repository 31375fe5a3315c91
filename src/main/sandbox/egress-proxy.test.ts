// The egress proxy on its Unix socket, driven by a plain HTTP client (what the relay in a container
// forwards): who may pass, what a refusal says, what each connection reports, and private addresses.
import { request, createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('the egress proxy', () => {
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
