// What new runs' sandboxes may reach: nothing, the hosts of an allow-list (through the run's egress
// proxy; presets name PyPI, the Hugging Face Hub, GitHub and conda), or the full network.
import { NETWORK_PRESETS, type Network, type NetworkMode } from '../../../../shared/network-policy';
import { Field } from '../common/field';

export interface NetworkDraft {
  mode: NetworkMode;
  /** The allow-list as typed: entries separated by commas, spaces or lines. */
  hosts: string;
}

export function networkDraft(network: Network): NetworkDraft {
  if (typeof network === 'string') return { mode: network, hosts: 'pypi, huggingface' };
  return { mode: 'allow', hosts: network.allow.join(', ') };
}

/** The network the draft says, or what is wrong with it. */
export function draftNetwork(draft: NetworkDraft): { ok: true; network: Network } | { ok: false; error: string } {
  if (draft.mode !== 'allow') return { ok: true, network: draft.mode };
  const allow = draft.hosts
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (allow.length === 0) return { ok: false, error: 'Name at least one host or preset, or choose None.' };
  return { ok: true, network: { allow } };
}

const MODES: { mode: NetworkMode; label: string }[] = [
  { mode: 'none', label: 'None: commands reach nothing outside the sandbox' },
  { mode: 'allow', label: 'Only these hosts, through Looplab’s proxy (others are asked about)' },
  { mode: 'full', label: 'Full network access' },
];

export function NetworkField(props: {
  draft: NetworkDraft;
  onChange: (draft: NetworkDraft) => void;
  error: string | undefined;
}) {
  const { draft, onChange, error } = props;
  return (
    <fieldset className="form-checks stacked">
      <legend className="field-label">Network for new runs</legend>
      {MODES.map(({ mode, label }) => (
        <label className="check" key={mode}>
          <input
            type="radio"
            name="sandbox-network"
            data-testid={`network-${mode}`}
            checked={draft.mode === mode}
            onChange={() => onChange({ ...draft, mode })}
          />
          {label}
        </label>
      ))}
      {draft.mode === 'allow' && (
        <Field
          label="Allowed hosts"
          error={error}
          note={`Host names, *.domain for its subdomains, host:port; presets: ${Object.keys(NETWORK_PRESETS).join(', ')}.`}
          className="wide"
        >
          <input
            className="text-input mono"
            data-testid="network-hosts"
            value={draft.hosts}
            placeholder="pypi, huggingface, *.example.org"
            onChange={(event) => onChange({ ...draft, hosts: event.target.value })}
          />
        </Field>
      )}
    </fieldset>
  );
}
