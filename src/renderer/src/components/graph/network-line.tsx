// The connections a step's commands or a job made through the run's egress proxy, on its card: how many,
// how many were refused, and the bytes; the hosts are in its title.
import { formatSize } from '../../../../shared/format';
import type { LoopNode } from '../../../../shared/loop-graph';
import { networkOf } from '../../graph/network-of';

export function NetworkLine({ item }: { item: LoopNode }) {
  const facts = networkOf(item);
  if (facts === undefined) return null;
  const { connections, refused, bytes, hosts } = facts;
  return (
    <div
      className={refused > 0 ? 'loop-network refused' : 'loop-network'}
      data-testid="graph-network"
      title={`Through the run's egress proxy: ${hosts.join(', ')}`}
    >
      {connections} {connections === 1 ? 'connection' : 'connections'}
      {refused > 0 && ` · ${refused} refused`} · {formatSize(bytes)}
    </div>
  );
}
