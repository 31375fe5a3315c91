// The fields a provider has beyond its addresses: its key (typed in, never shown back) and a test of
// the connection with one of its models.
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatCompact } from '../../../../shared/format';
import type { SettingsView } from '../../../../shared/settings';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { ErrorBox } from '../common/error-box';
import { Field } from '../common/field';

interface KeyFieldProps {
  label: string;
  secret: string | undefined;
  view: SettingsView;
  value: string;
  testId: string;
  onChange: (value: string) => void;
  onClear: (name: string) => Promise<void>;
}

/** A key is typed in, never shown back: once saved, only "set, …last 4" and a way to remove it. */
export function KeyField({ label, secret, view, value, testId, onChange, onClear }: KeyFieldProps) {
  const status = secret === undefined ? undefined : view.secrets[secret];
  const override = secret === undefined ? undefined : view.overrides[`secret:${secret}`];
  return (
    <div className="form-row">
      <Field
        label={label}
        className="grow"
        note={override === undefined ? undefined : `${override} is set and wins over a saved key.`}
      >
        <input
          className="text-input mono"
          type="password"
          autoComplete="off"
          data-testid={testId}
          placeholder={status === undefined ? 'not set' : 'set; type a new one to replace it'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      </Field>
      {status !== undefined && secret !== undefined && (
        <span className="key-status" data-testid={`${testId}-status`}>
          <span className="mono">set {status.hint}</span>
          <button type="button" className="link" onClick={() => void onClear(secret)}>
            remove
          </button>
        </span>
      )}
    </div>
  );
}

type TestState =
  | { status: 'idle' }
  | { status: 'testing' }
  | { status: 'ok'; contextLength: number }
  | { status: 'error'; error: ErrorInfo };

/** The readiness check a run makes, for one model of a provider, with the settings as saved. */
export function ConnectionTest({ provider, placeholder }: { provider: string; placeholder: string }) {
  const [model, setModel] = useState('');
  const [state, setState] = useState<TestState>({ status: 'idle' });

  async function test(): Promise<void> {
    setState({ status: 'testing' });
    try {
      const result = await request('providers.test', { model: `${provider}/${model.trim() || placeholder}` });
      setState({ status: 'ok', contextLength: result.contextLength });
    } catch (failure) {
      setState({ status: 'error', error: toErrorInfo(failure) });
    }
  }

  return (
    <div className="connection-test" data-testid="connection-test">
      <input
        className="text-input mono"
        data-testid="test-model"
        aria-label={`Model of ${provider} to test`}
        placeholder={placeholder}
        value={model}
        onChange={(event) => setModel(event.target.value)}
      />
      <button
        type="button"
        className="button"
        data-testid="test-connection"
        disabled={state.status === 'testing'}
        onClick={() => void test()}
      >
        {state.status === 'testing' ? 'Testing…' : 'Test connection'}
      </button>
      {state.status === 'ok' && (
        <span className="connection-ok" data-testid="connection-status">
          connected · {formatCompact(state.contextLength)} tokens of context
        </span>
      )}
      {state.status === 'error' && <ErrorBox error={state.error} testId="connection-error" />}
    </div>
  );
}
