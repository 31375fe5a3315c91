// Where the models are: Ollama's address, OpenAI-compatible endpoints (a name models are written with,
// a base URL, a key), Anthropic and the Hugging Face Hub. Keys go to the secret store; the screen only
// ever shows that a key is set and its last characters. "Test connection" makes the readiness check a
// run makes, with the saved settings.
import { useState } from 'react';
import {
  ANTHROPIC_SECRET,
  endpointSecret,
  HF_SECRET,
  type Endpoint,
  type SettingsView,
} from '../../../../shared/settings';
import { request } from '../../bridge';
import { textField } from '../../settings-form';
import { Field } from '../common/field';
import { ConnectionTest, KeyField } from './provider-fields';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

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
