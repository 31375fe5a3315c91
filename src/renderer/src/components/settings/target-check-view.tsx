// What a target's test found, shown under it: reachable or not, its engine's version, whether the image
// its jobs run in is there, its GPUs and what they are, where jobs run there, and what went wrong with
// what to do about it.
import type { ErrorInfo } from '../../../../shared/errors';
import { formatError } from '../../../../shared/errors';
import type { TargetCheck } from '../../../../shared/targets';

export type CheckState =
  { status: 'busy' } | { status: 'done'; check: TargetCheck } | { status: 'failed'; error: ErrorInfo };

function facts(check: TargetCheck): string[] {
  const found: string[] = [];
  if (check.version !== undefined && check.version !== '')
    found.push(check.kind === 'slurm' || check.kind === 'kubernetes' ? check.version : `Docker ${check.version}`);
  if (check.runtime !== undefined) found.push(check.runtime);
  if (check.image !== undefined) found.push(`image ${check.image.name} ${check.image.present ? 'present' : 'missing'}`);
  if (check.gpus !== undefined) found.push(check.gpus ? 'GPUs available' : 'no GPUs');
  return found;
}

export function TargetCheckView({ state }: { state: CheckState }) {
  if (state.status === 'busy')
    return (
      <div className="target-check muted" data-testid="target-check" aria-live="polite">
        Testing…
      </div>
    );
  if (state.status === 'failed')
    return (
      <div className="target-check bad" data-testid="target-check" role="status">
        <span className="target-check-head">Could not test</span>
        <span className="target-check-problem" data-testid="target-check-problem">
          {formatError(state.error)}
        </span>
      </div>
    );
  const { check } = state;
  const good = check.reachable && check.image?.present !== false && check.problem === undefined;
  return (
    <div className={`target-check ${good ? 'good' : 'bad'}`} data-testid="target-check" role="status">
      <span className="target-check-head" data-testid="target-check-head">
        {check.reachable ? 'Reachable' : 'Not reachable'}
      </span>
      {facts(check).length > 0 && <span data-testid="target-check-facts">{facts(check).join(' · ')}</span>}
      {check.gpuInventory !== undefined && check.gpuInventory.length > 0 && (
        <ul className="target-gpus" data-testid="target-check-gpus">
          {check.gpuInventory.map((gpu) => (
            <li key={gpu} className="mono">
              {gpu}
            </li>
          ))}
        </ul>
      )}
      {check.problem !== undefined && (
        <span className="target-check-problem" data-testid="target-check-problem">
          {check.problem}
        </span>
      )}
    </div>
  );
}
