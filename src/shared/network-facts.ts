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
