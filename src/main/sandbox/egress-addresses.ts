// Where a sandbox's allowed connection may lead: a name matched by a pattern (a preset, a wildcard, a rule)
// must not resolve to this machine or its networks, so a public name cannot lead back to a local service;
// only an exact entry (a host the person wrote or approved) reaches a private address.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

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

/** Why a connection to `host`, an address of this machine or its networks, is refused. */
export function privateAddressReason(host: string): string {
  return `${host} is an address of this machine or its network; only an exact allow-list entry reaches it`;
}

export function isPrivateAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is its IPv4 address (a list of IPv6 ranges would match every IPv4 one).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * dns.lookup that refuses names resolving to a private address (so a public name cannot lead to this
 * machine), telling `onRefused` why.
 */
export function publicLookup(onRefused: (reason: string) => void) {
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
 * The addresses an allowed connection to `host` may use, resolved here (never by the sandbox): any of its
 * addresses for an exact entry, public ones alone otherwise; or why there are none.
 */
export function addressesFor(host: string, exact: boolean): Promise<{ addresses: string[] } | { reason: string }> {
  if (isIP(host) !== 0)
    return Promise.resolve(
      exact || !isPrivateAddress(host) ? { addresses: [host] } : { reason: privateAddressReason(host) },
    );
  return new Promise((resolve) => {
    let refused: string | undefined;
    const lookup = exact ? dnsLookup : publicLookup((reason) => (refused = reason));
    lookup(host, { all: true }, (error, found) => {
      if (error === null && Array.isArray(found) && found.length > 0)
        return resolve({ addresses: found.map((entry) => entry.address) });
      resolve({ reason: refused ?? `${host} could not be resolved (${error?.code ?? 'no address'})` });
    });
  });
}
