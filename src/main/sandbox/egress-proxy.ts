// A run's egress proxy: the only way out of a sandbox whose network is an allow-list. The proxy is
// proxy-chain (an established HTTP proxy library) listening on a Unix socket in a folder that the run's
// containers get mounted; inside them a relay (resources/sandbox/relay.py) forwards 127.0.0.1:3128 to it.
// HTTPS is tunnelled with CONNECT and filtered by host name, never decrypted; plain HTTP is forwarded.
// Each connection is decided by the caller (`decide`, which may ask the person) and reported once closed.
// Where the egress gateway runs (egress-gateway.ts), it listens on the socket instead and passes allowed
// tunnels' bytes in the kernel; proxy-chain then serves plain HTTP behind it, on a private socket.
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { type lookup as dnsLookup } from 'node:dns';
import { isIP, type Socket } from 'node:net';
import { join } from 'node:path';
import { RequestError, Server, type PrepareRequestFunctionOpts } from 'proxy-chain';
import { EGRESS_SOCKET } from './container-spec';
import { addressesFor, isPrivateAddress, privateAddressReason, publicLookup } from './egress-addresses';
import { egressGateway, type EgressGateway } from './egress-gateway';

export { isPrivateAddress } from './egress-addresses';

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

/** A connection has closed: its record goes to `onConnection` once, with the bytes each way. */
function reportClosed<K>(
  connections: Map<K, Pending>,
  key: K,
  bytesOut: number,
  bytesIn: number,
  onConnection: EgressProxyOptions['onConnection'],
): void {
  const pending = connections.get(key);
  connections.delete(key);
  if (pending === undefined) return;
  onConnection({
    host: pending.host,
    port: pending.port,
    allowed: pending.allowed,
    bytesOut,
    bytesIn,
    durationMs: Date.now() - pending.started,
    ...(pending.reason === undefined ? {} : { reason: pending.reason }),
  });
}

export class EgressProxy {
  /** The gateway's listener on the socket, while it has one (else proxy-chain listens there itself). */
  private listener: { gateway: EgressGateway; id: string } | undefined;
  private fallback: UnixSocketProxy | undefined;
  private closing = false;

  private constructor(
    private readonly options: EgressProxyOptions,
    /** proxy-chain: on the socket itself, or behind the gateway for plain HTTP on a private socket. */
    private readonly server: UnixSocketProxy,
    private readonly privateFolder: string | undefined,
  ) {}

  /**
   * Listens on `<folder>/proxy.sock`, replacing a socket a previous process left: through the egress
   * gateway where it runs (tunnels' bytes pass in the kernel), else with proxy-chain alone.
   */
  static async open(options: EgressProxyOptions): Promise<EgressProxy> {
    await mkdir(options.folder, { recursive: true, mode: 0o700 });
    const server = proxyChain(options);
    const gateway = await egressGateway();
    if (gateway === undefined) {
      await listenOn(server, join(options.folder, EGRESS_SOCKET), options);
      return new EgressProxy(options, server, undefined);
    }
    const proxy = new EgressProxy(options, server, await mkdtemp(join(tmpdir(), 'looplab-egress-')));
    await listenOn(server, proxy.httpSocket!, {});
    try {
      await proxy.listenThrough(gateway);
    } catch {
      // The gateway could not take the socket (it ended meanwhile): proxy-chain listens on it itself.
      await proxy.listenAlone().catch(async (error: unknown) => {
        await proxy.close();
        throw error;
      });
    }
    return proxy;
  }

  get folder(): string {
    return this.options.folder;
  }

  get socketPath(): string {
    return join(this.options.folder, EGRESS_SOCKET);
  }

  /** Whether tunnels' bytes pass through the gateway (in the kernel) rather than this process. */
  get spliced(): boolean {
    return this.listener !== undefined;
  }

  /** Where proxy-chain serves plain HTTP behind the gateway: a private folder of this process's. */
  private get httpSocket(): string | undefined {
    return this.privateFolder === undefined ? undefined : join(this.privateFolder, 'http.sock');
  }

  private async listenThrough(gateway: EgressGateway): Promise<void> {
    const connections = new Map<number, Pending>();
    const id = await gateway.listen(this.socketPath, this.httpSocket!, {
      ask: (conn, host, port) => this.ask(connections, conn, host, port),
      closed: (conn, bytesOut, bytesIn) =>
        reportClosed(connections, conn, bytesOut, bytesIn, this.options.onConnection),
      lost: () => void this.takeOver(),
    });
    this.listener = { gateway, id };
    await secure(this.socketPath, this.options);
  }

  private async ask(connections: Map<number, Pending>, conn: number, host: string, port: number) {
    const pending: Pending = { host, port, started: Date.now(), allowed: false };
    connections.set(conn, pending);
    const decision = await judge(this.options, host, port);
    const resolved = decision.allowed ? await addressesFor(host, decision.exact) : { reason: decision.reason };
    if ('reason' in resolved) {
      pending.reason = resolved.reason;
      return { status: 403, reason: resolved.reason };
    }
    pending.allowed = true;
    return resolved;
  }

  /** The gateway ended mid-run: proxy-chain listens on the socket itself from now on. */
  private async takeOver(): Promise<void> {
    this.listener = undefined;
    if (this.closing) return;
    await this.listenAlone().catch((error: unknown) =>
      console.error(`Looplab: the egress proxy could not listen again after the gateway ended: ${String(error)}`),
    );
  }

  private async listenAlone(): Promise<void> {
    this.fallback = proxyChain(this.options);
    await listenOn(this.fallback, this.socketPath, this.options);
  }

  async close(): Promise<void> {
    this.closing = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.gateway.stop(listener.id).catch(() => undefined);
    await this.server.close(true);
    await this.fallback?.close(true);
    if (this.privateFolder !== undefined) await rm(this.privateFolder, { recursive: true, force: true });
    await rm(this.socketPath, { force: true });
  }
}

/** proxy-chain, deciding each request with `options` and reporting it once closed. */
function proxyChain(options: EgressProxyOptions): UnixSocketProxy {
  const connections = new Map<number, Pending>();
  const server = new UnixSocketProxy({
    prepareRequestFunction: (request) => prepare(options, connections, request),
  });
  server.on('connectionClosed', ({ connectionId, stats }: ClosedEvent) =>
    reportClosed(connections, connectionId, stats?.srcRxBytes ?? 0, stats?.srcTxBytes ?? 0, options.onConnection),
  );
  return server;
}

interface ClosedEvent {
  connectionId: number;
  stats?: { srcTxBytes: number; srcRxBytes: number };
}

/** The caller's decision, and a pattern's match on an address of this machine's networks refused. */
async function judge(options: EgressProxyOptions, host: string, port: number): Promise<EgressDecision> {
  const decision = await options.decide({ host, port });
  if (!decision.allowed || decision.exact || isIP(host) === 0 || !isPrivateAddress(host)) return decision;
  return { allowed: false, reason: privateAddressReason(host) };
}

async function prepare(
  options: EgressProxyOptions,
  connections: Map<number, Pending>,
  request: PrepareRequestFunctionOpts,
): Promise<{ dnsLookup?: typeof dnsLookup }> {
  const host = request.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const pending: Pending = { host, port: request.port, started: Date.now(), allowed: false };
  connections.set(request.connectionId, pending);
  const decision = await judge(options, host, request.port);
  if (!decision.allowed) {
    pending.reason = decision.reason;
    throw new RequestError(`${decision.reason}\n`, 403);
  }
  pending.allowed = true;
  if (decision.exact) return {};
  const refuse = (reason: string) => {
    pending.allowed = false;
    pending.reason = reason;
  };
  return { dnsLookup: publicLookup(refuse) as unknown as typeof dnsLookup };
}

/** proxy-chain listens on `path` (replacing a socket a previous process left), then `secure`s it. */
async function listenOn(server: UnixSocketProxy, path: string, owner: Partial<EgressProxyOptions>): Promise<void> {
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(path, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  await secure(path, owner);
}

/** Only the containers' user (and this one) may connect; the folder is theirs to traverse. */
async function secure(path: string, { folder, user }: Partial<EgressProxyOptions>): Promise<void> {
  await chmod(path, 0o600);
  const owner = rootOwner(user);
  if (owner === undefined || folder === undefined) return;
  await chown(folder, owner.uid, owner.gid);
  await chown(path, owner.uid, owner.gid);
}

/** When Looplab runs as root, the socket is handed to the containers' (non-root) user. */
function rootOwner(user: string | undefined): { uid: number; gid: number } | undefined {
  if (user === undefined || process.getuid?.() !== 0) return undefined;
  const [uid, gid] = user.split(':').map(Number);
  if (uid === undefined || gid === undefined || !Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0)
    return undefined;
  return { uid, gid };
}
