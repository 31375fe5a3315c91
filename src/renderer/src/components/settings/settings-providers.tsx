// Where the models are: Ollama's address, OpenAI-compatible endpoints (a name models are written with,
// a base URL, a key), Anthropic and the Hugging Face Hub. Keys go to the secret store; the screen only
// ever shows that a key is set and its last characters. "Test connection" makes the readiness check a
// run makes, with the saved settings.
import { useState } from 'react';
import { formatCompact } from '../../../../shared/format';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  ANTHROPIC_SECRET,
  endpointSecret,
  HF_SECRET,
  type Endpoint,
  type SettingsView,
} from '../../../../shared/settings';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { textField } from '../../settings-form';
import { ErrorBox } from '../common/error-box';
import { Field, SaveRow, Section, useSectionSave, type SectionProps } from './settings-view';

interface EndpointDraft {
  name: string;
  baseUrl: string;
  key: string;
  /** The secret holding its key, as saved. */
  keySecret: string | undefined;
}

interface ProviderDrafts {
  ollamaHost: string;
  endpoints: EndpointDraft[];
  anthropicBaseUrl: string;
  anthropicKey: string;
  hubUrl: string;
  hfToken: string;
}

function draftsOf(view: SettingsView): ProviderDrafts {
  const { providers } = view.settings;
  return {
    ollamaHost: providers.ollama.host ?? '',
    endpoints: providers.endpoints.map((endpoint) => ({ ...endpoint, key: '', keySecret: endpoint.keySecret })),
    anthropicBaseUrl: providers.anthropic.baseUrl ?? '',
    anthropicKey: '',
    hubUrl: providers.huggingFace.hubUrl,
    hfToken: '',
  };
}

export function ProvidersSection({ view, save, onChanged }: SectionProps) {
  const [drafts, setDrafts] = useState(() => draftsOf(view));
  const section = useSectionSave(save);
  const set = (patch: Partial<ProviderDrafts>) => setDrafts((current) => ({ ...current, ...patch }));
  const setEndpoint = (index: number, patch: Partial<EndpointDraft>) =>
    set({ endpoints: drafts.endpoints.map((item, at) => (at === index ? { ...item, ...patch } : item)) });
  const errorAt = (path: string) => section.errors[`providers.${path}`];

  async function onSave(): Promise<void> {
    const endpoints: Endpoint[] = drafts.endpoints.map((draft) => {
      const keySecret = draft.key.trim() !== '' ? endpointSecret(draft.name.trim()) : draft.keySecret;
      return {
        name: draft.name.trim(),
        baseUrl: draft.baseUrl.trim(),
        ...(keySecret === undefined ? {} : { keySecret }),
      };
    });
    const keys: [string, string][] = [
      ...drafts.endpoints.map((draft): [string, string] => [endpointSecret(draft.name.trim()), draft.key.trim()]),
      [ANTHROPIC_SECRET, drafts.anthropicKey.trim()],
      [HF_SECRET, drafts.hfToken.trim()],
    ];
    const ollamaHost = textField(drafts.ollamaHost);
    const anthropicBaseUrl = textField(drafts.anthropicBaseUrl);
    const saved = await section.run(
      {
        providers: {
          ollama: ollamaHost === undefined ? {} : { host: ollamaHost },
          endpoints,
          anthropic: anthropicBaseUrl === undefined ? {} : { baseUrl: anthropicBaseUrl },
          huggingFace: { hubUrl: drafts.hubUrl.trim() },
        },
      },
      async () => {
        let latest: SettingsView | undefined;
        for (const [name, value] of keys) {
          if (value !== '') latest = await request('secrets.set', { name, value });
        }
        if (latest !== undefined) onChanged(latest);
      },
    );
    if (saved) {
      setDrafts((current) => ({
        ...current,
        endpoints: current.endpoints.map((draft, index) => ({
          ...draft,
          key: '',
          keySecret: endpoints[index]!.keySecret,
        })),
        anthropicKey: '',
        hfToken: '',
      }));
    }
  }

  async function clearKey(name: string): Promise<void> {
    try {
      onChanged(await request('secrets.clear', { name }));
    } catch {
      // The section's next save or reload shows what is wrong.
    }
  }

  const override = (key: string) => {
    const variable = view.overrides[key];
    return variable === undefined ? undefined : `${variable} is set and wins over this.`;
  };

  return (
    <Section title="Model providers" testId="settings-providers">
      <div className="settings-provider" data-testid="provider-ollama">
        <h4 className="settings-provider-title">Ollama</h4>
        <div className="form-row">
          <Field
            label="Address"
            className="grow"
            error={errorAt('ollama.host')}
            note={override('providers.ollama.host')}
          >
            <input
              className="text-input mono"
              data-testid="ollama-host"
              placeholder="127.0.0.1:11434"
              value={drafts.ollamaHost}
              onChange={(event) => set({ ollamaHost: event.target.value })}
            />
          </Field>
        </div>
        <ConnectionTest provider="ollama" placeholder="qwen2.5-coder:7b" />
      </div>

      <h4 className="settings-provider-title">OpenAI-compatible servers</h4>
      {errorAt('endpoints') !== undefined && <span className="field-error">{errorAt('endpoints')}</span>}
      {drafts.endpoints.map((draft, index) => (
        <div className="settings-provider" data-testid="endpoint" data-name={draft.name} key={index}>
          <div className="form-row">
            <Field label="Name" className="narrow" error={errorAt(`endpoints.${index}.name`)}>
              <input
                className="text-input mono"
                data-testid="endpoint-name"
                placeholder="vllm"
                value={draft.name}
                onChange={(event) => setEndpoint(index, { name: event.target.value })}
              />
            </Field>
            <Field label="Base URL" className="grow" error={errorAt(`endpoints.${index}.baseUrl`)}>
              <input
                className="text-input mono"
                data-testid="endpoint-url"
                placeholder="http://127.0.0.1:8000/v1"
                value={draft.baseUrl}
                onChange={(event) => setEndpoint(index, { baseUrl: event.target.value })}
              />
            </Field>
          </div>
          <KeyField
            label="API key"
            secret={draft.keySecret}
            view={view}
            value={draft.key}
            testId="endpoint-key"
            onChange={(key) => setEndpoint(index, { key })}
            onClear={clearKey}
          />
          <div className="button-row">
            {draft.name.trim() !== '' && <ConnectionTest provider={draft.name.trim()} placeholder="gpt-4o-mini" />}
            <button
              type="button"
              className="button"
              data-testid="endpoint-remove"
              onClick={() => set({ endpoints: drafts.endpoints.filter((_, at) => at !== index) })}
            >
              Remove
            </button>
          </div>
        </div>
      ))}
      <button
        type="button"
        className="button"
        data-testid="endpoint-add"
        onClick={() =>
          set({ endpoints: [...drafts.endpoints, { name: '', baseUrl: '', key: '', keySecret: undefined }] })
        }
      >
        Add a server
      </button>

      <div className="settings-provider" data-testid="provider-anthropic">
        <h4 className="settings-provider-title">Anthropic</h4>
        <Field label="API URL" error={errorAt('anthropic.baseUrl')} note={override('providers.anthropic.baseUrl')}>
          <input
            className="text-input mono"
            placeholder="https://api.anthropic.com"
            value={drafts.anthropicBaseUrl}
            onChange={(event) => set({ anthropicBaseUrl: event.target.value })}
          />
        </Field>
        <KeyField
          label="API key"
          secret={ANTHROPIC_SECRET}
          view={view}
          value={drafts.anthropicKey}
          testId="anthropic-key"
          onChange={(anthropicKey) => set({ anthropicKey })}
          onClear={clearKey}
        />
      </div>

      <div className="settings-provider" data-testid="provider-hf">
        <h4 className="settings-provider-title">Hugging Face</h4>
        <Field label="Hub URL" error={errorAt('huggingFace.hubUrl')}>
          <input
            className="text-input mono"
            value={drafts.hubUrl}
            onChange={(event) => set({ hubUrl: event.target.value })}
          />
        </Field>
        <KeyField
          label="Token"
          secret={HF_SECRET}
          view={view}
          value={drafts.hfToken}
          testId="hf-token"
          onChange={(hfToken) => set({ hfToken })}
          onClear={clearKey}
        />
      </div>
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={() => void onSave()} />
    </Section>
  );
}

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
function KeyField({ label, secret, view, value, testId, onChange, onClear }: KeyFieldProps) {
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
function ConnectionTest({ provider, placeholder }: { provider: string; placeholder: string }) {
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
