// Marks runs whose commands do not run in the contained sandbox: on this machine, or with the network.
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
    </>
  );
}
