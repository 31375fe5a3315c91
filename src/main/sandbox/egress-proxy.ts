// A run's egress proxy: the only way out of a sandbox whose network is an allow-list. The proxy is
// proxy-chain (an established HTTP proxy library) listening on a Unix socket in a folder that the run's
// containers get mounted; inside them a relay (resources/sandbox/relay.py) forwards 127.0.0.1:3128 to it.
// HTTPS is tunnelled with CONNECT and filtered by host name, never decrypted; plain HTTP is forwarded.
// Each connection is decided by the caller (`decide`, which may ask the person) and reported once closed.
import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type Socket } from 'node:net';
import { join } from 'node:path';
import { RequestError, Server, type PrepareRequestFunctionOpts } from 'proxy-chain';
import { EGRESS_SOCKET } from './container-spec';

export type EgressDecision =
  | { allowed: true; /** Named exactly by the person: may resolve to a private address. */ exact: boolean }
  | { allowed: false; reason: string };

export interface EgressRecord {
  host: string;
  port: number;
  allowed: boolean;
  /** Bytes the sandbox sent and received through the proxy on this connection. */
  bytesOut: number;
  bytesIn: number;
  durationMs: number;
  /** Why it was refused. */
  reason?: string;
}

export interface EgressProxyOptions {
  /** The folder the socket is made in (and that containers mount); created, kept private. */
  folder: string;
  decide(request: { host: string; port: number }): Promise<EgressDecision>;
  /** Hears each connection once it closes. */
  onConnection(record: EgressRecord): void;
  /** uid:gid of the containers' user, who must be able to connect (used when Looplab runs as root). */
  user?: string;
}

/** Addresses of this machine and its networks: reached only when the person named the host exactly. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is its IPv4 address (a list of IPv6 ranges would match every IPv4 one).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup that refuses names resolving to a private address (so a public name cannot lead to this
 * machine), telling `onRefused` why.
 */
function publicLookup(onRefused: (reason: string) => void) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void =>
    lookupPublic(hostname, options, callback, onRefused);
}

function lookupPublic(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
  onRefused: (reason: string) => void,
): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) return callback(error, []);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused !== undefined) {
      const reason = `${hostname} resolves to ${refused.address}, an address of this machine or its network; only an exact allow-list entry reaches it`;
      onRefused(reason);
      const denied: NodeJS.ErrnoException = new Error(reason);
      denied.code = 'EACCES';
      return callback(denied, []);
    }
    if (options.all === true) return callback(null, addresses);
    const first = addresses[0];
    if (first === undefined)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/**
 * proxy-chain drops connections without a remote address (it expects TCP); a Unix socket has none, so
 * each one is given the name of where it comes from before proxy-chain sees it.
 */
class UnixSocketProxy extends Server {
  override onConnection(socket: Socket): void {
    if (socket.remoteAddress === undefined) Object.defineProperty(socket, 'remoteAddress', { value: 'sandbox' });
    super.onConnection(socket as Parameters<Server['onConnection']>[0]);
  }
}

interface Pending {
  host: string;
  port: number;
  started: number;
  allowed: boolean;
  reason?: string;
}

export class EgressProxy {
  private constructor(
    private readonly server: UnixSocketProxy,
    readonly folder: string,
  ) {}

  /** Listens on `<folder>/proxy.sock`, replacing a socket a previous process left. */
  static async open(options: EgressProxyOptions): Promise<EgressProxy> {
    const connections = new Map<number, Pending>();
    const server = new UnixSocketProxy({
      prepareRequestFunction: (request) => prepare(options, connections, request),
    });
    server.on('connectionClosed', ({ connectionId, stats }: ClosedEvent) => {
      const pending = connections.get(connectionId);
      connections.delete(connectionId);
      if (pending === undefined) return;
      options.onConnection({
        host: pending.host,
        port: pending.port,
        allowed: pending.allowed,
        bytesOut: stats?.srcRxBytes ?? 0,
        bytesIn: stats?.srcTxBytes ?? 0,
        durationMs: Date.now() - pending.started,
        ...(pending.reason === undefined ? {} : { reason: pending.reason }),
      });
    });
    await listenOnSocket(server, options);
    return new EgressProxy(server, options.folder);
  }

  get socketPath(): string {
    return join(this.folder, EGRESS_SOCKET);
  }

  async close(): Promise<void> {
    await this.server.close(true);
    await rm(this.socketPath, { force: true });
  }
}

interface ClosedEvent {
  connectionId: number;
  stats?: { srcTxBytes: number; srcRxBytes: number };
}

async function prepare(
  options: EgressProxyOptions,
  connections: Map<number, Pending>,
  request: PrepareRequestFunctionOpts,
): Promise<{ dnsLookup?: typeof dnsLookup }> {
  const host = request.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const pending: Pending = { host, port: request.port, started: Date.now(), allowed: false };
  connections.set(request.connectionId, pending);
  const decision = await options.decide({ host, port: request.port });
  if (!decision.allowed) {
    pending.reason = decision.reason;
    throw new RequestError(`${decision.reason}\n`, 403);
  }
  pending.allowed = true;
  if (decision.exact) return {};
  if (isIP(host) !== 0 && isPrivateAddress(host)) {
    pending.allowed = false;
    pending.reason = `${host} is an address of this machine or its network; only an exact allow-list entry reaches it`;
    throw new RequestError(`${pending.reason}\n`, 403);
  }
  const refuse = (reason: string) => {
    pending.allowed = false;
    pending.reason = reason;
  };
  return { dnsLookup: publicLookup(refuse) as unknown as typeof dnsLookup };
}

async function listenOnSocket(server: UnixSocketProxy, options: EgressProxyOptions): Promise<void> {
  await mkdir(options.folder, { recursive: true, mode: 0o700 });
  const path = join(options.folder, EGRESS_SOCKET);
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(path, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  // Only the containers' user (and this one) may connect; the folder is theirs to traverse.
  await chmod(path, 0o600);
  const owner = rootOwner(options.user);
  if (owner !== undefined) {
    await chown(options.folder, owner.uid, owner.gid);
    await chown(path, owner.uid, owner.gid);
  }
}

/** When Looplab runs as root, the socket is handed to the containers' (non-root) user. */
function rootOwner(user: string | undefined): { uid: number; gid: number } | undefined {
  if (user === undefined || process.getuid?.() !== 0) return undefined;
  const [uid, gid] = user.split(':').map(Number);
  if (uid === undefined || gid === undefined || !Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0)
    return undefined;
  return { uid, gid };
}
