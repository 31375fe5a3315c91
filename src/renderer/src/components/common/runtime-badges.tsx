// Marks runs whose commands do not run in the contained sandbox: on this machine, with the network, or
// with an allow-list of hosts.
import type { RunSummary } from '../../../../shared/run-summary';

export function RuntimeBadges({ run }: { run: Pick<RunSummary, 'runtime' | 'network'> }) {
  return (
    <>
      {run.runtime === 'host' && (
        <span
          className="runtime-badge host"
          data-testid="host-runtime"
          title="Commands of this run run on this machine, not in the sandbox; each one asks first."
        >
          on this machine
        </span>
      )}
      {run.runtime === 'sandbox' && run.network === 'full' && (
        <span className="runtime-badge network" title="This run's sandbox may reach the network.">
          network
        </span>
      )}
      {run.runtime === 'sandbox' && run.network === 'allow' && (
        <span
          className="runtime-badge allow-list"
          data-testid="network-allow-list"
          title="This run's sandbox reaches only the hosts of its allow-list, through Looplab's proxy; others are asked about."
        >
          allow-list
        </span>
      )}
    </>
  );
}
