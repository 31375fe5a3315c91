// What a graph node says about the connections made through the egress proxy while it ran.
import type { EventPayload } from './events';

export interface NetworkFacts {
  connections: number;
  refused: number;
  /** Bytes in and out, together. */
  bytes: number;
  /** The hosts reached or refused, `name:port`, each once. */
  hosts: string[];
}

/** Counts one connection into a node's facts (made when absent). */
export function countConnection(
  facts: NetworkFacts | undefined,
  request: EventPayload<'network.request'>,
): NetworkFacts {
  const next = facts ?? { connections: 0, refused: 0, bytes: 0, hosts: [] };
  next.connections += 1;
  if (!request.allowed) next.refused += 1;
  next.bytes += request.bytesIn + request.bytesOut;
  const target = `${request.host}:${request.port}`;
  if (!next.hosts.includes(target)) next.hosts.push(target);
  return next;
}

/** All the connections of a run, from its graph's nodes (each connection is on one node). */
export function runNetwork(nodes: readonly { network?: NetworkFacts }[]): NetworkFacts | undefined {
  let total: NetworkFacts | undefined;
  for (const node of nodes) {
    if (node.network === undefined) continue;
    total ??= { connections: 0, refused: 0, bytes: 0, hosts: [] };
    total.connections += node.network.connections;
    total.refused += node.network.refused;
    total.bytes += node.network.bytes;
    for (const host of node.network.hosts) if (!total.hosts.includes(host)) total.hosts.push(host);
  }
  return total;
}
