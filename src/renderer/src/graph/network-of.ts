// The connections a loop node's work made through the run's egress proxy: a step's are its calls', a
// job's its own. Read by the node's card and by the layout, which gives the line its room.
import type { LoopNode } from '../../../shared/loop-graph';
import type { NetworkFacts } from '../../../shared/network-facts';

export function networkOf(item: LoopNode): NetworkFacts | undefined {
  if (item.kind === 'job') return item.node?.network;
  const all = item.calls.flatMap((call) => (call.tool?.network === undefined ? [] : [call.tool.network]));
  if (all.length === 0) return undefined;
  return {
    connections: all.reduce((sum, facts) => sum + facts.connections, 0),
    refused: all.reduce((sum, facts) => sum + facts.refused, 0),
    bytes: all.reduce((sum, facts) => sum + facts.bytes, 0),
    hosts: [...new Set(all.flatMap((facts) => facts.hosts))],
  };
}
