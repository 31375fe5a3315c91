// Before a replay starts: exactly what it will run where (the sandbox or this machine, the network, the
// MCP servers it starts). For a run recorded elsewhere, confirming grants what is listed, for this
// replay only; nothing more than the list is ever sent.
import type { ReplayPlan } from '../../../../shared/contract';

interface ReplayConfirmProps {
  plan: ReplayPlan;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ReplayConfirm({ plan, busy, onConfirm, onCancel }: ReplayConfirmProps) {
  const where =
    plan.runtime === 'host'
      ? 'on this machine, as you (every command asks first)'
      : 'in the Docker sandbox, with nothing of this machine but the new workspace';
  return (
    <div className="replay-confirm" role="dialog" aria-label="Confirm the replay" data-testid="replay-confirm">
      {plan.fromElsewhere && (
        <p className="field-error" data-testid="replay-from-elsewhere">
          This run was recorded elsewhere ({plan.imported ? 'imported' : 'its origin is unknown'}). Replaying it runs
          its recorded tool calls here
          {plan.needs.host || plan.needs.network || plan.needs.mcp ? ', with what is listed below' : ''}.
        </p>
      )}
      <ul className="replay-plan" data-testid="replay-plan">
        <li>Commands run {where}.</li>
        <li>
          {plan.network === 'full'
            ? 'The sandbox has the full network.'
            : plan.network === 'none'
              ? 'No network.'
              : `The sandbox reaches only ${plan.network.allow.join(', ')}, through Looplab’s proxy.`}
        </li>
        {plan.mcpServers.length === 0 ? (
          <li>No MCP servers.</li>
        ) : (
          <li>
            MCP servers started on this machine: <span className="mono">{plan.mcpServers.join(', ')}</span>
          </li>
        )}
      </ul>
      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          data-testid="replay-confirm-start"
          disabled={busy}
          onClick={onConfirm}
        >
          {busy ? 'Replaying…' : 'Replay'}
        </button>
        <button type="button" className="button" data-testid="replay-confirm-cancel" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
