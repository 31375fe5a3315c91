// Where the models are: Ollama's address, OpenAI-compatible endpoints (a name models are written with,
// a base URL, a key), Anthropic and the Hugging Face Hub. Keys go to the secret store; the screen only
// ever shows that a key is set and its last characters. "Test connection" makes the readiness check a
// run makes, with the saved settings.
import { useState, type ReactNode } from 'react';
import { ANTHROPIC_SECRET, GITHUB_SECRET, HF_SECRET, type SettingsView } from '../../../../shared/settings';
import { request } from '../../bridge';
import { TextField } from '../common/text-field';
import { EndpointList } from './endpoint-list';
import { ConnectionTest, KeyField } from './provider-fields';
import { afterSave, draftsOf, endpointsOf, providersPatch, typedKeys, type ProviderDrafts } from './provider-drafts';
import { overrideNote, SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

/** The section's drafts and its save: the settings first, then each typed key into the secret store. */
function useProvidersForm({ view, save, onChanged }: SectionProps) {
  const [drafts, setDrafts] = useState(() => draftsOf(view));
  const section = useSectionSave(save);
  const set = (patch: Partial<ProviderDrafts>) => setDrafts((current) => ({ ...current, ...patch }));
  const errorAt = (path: string) => section.errors[`providers.${path}`];

  async function onSave(): Promise<void> {
    const endpoints = endpointsOf(drafts);
    const keys = typedKeys(drafts);
    const saved = await section.run(providersPatch(drafts, endpoints), async () => {
      let latest: SettingsView | undefined;
      for (const [name, value] of keys) {
        if (value !== '') latest = await request('secrets.set', { name, value });
      }
      if (latest !== undefined) onChanged(latest);
    });
    if (saved) setDrafts((current) => afterSave(current, endpoints));
  }

  async function clearKey(name: string): Promise<void> {
    try {
      onChanged(await request('secrets.clear', { name }));
    } catch {
      // The section's next save or reload shows what is wrong.
    }
  }

  return { drafts, set, section, errorAt, onSave, clearKey };
}

function ProviderBox({ testId, title, children }: { testId: string; title: string; children: ReactNode }) {
  return (
    <div className="settings-provider" data-testid={testId}>
      <h4 className="settings-provider-title">{title}</h4>
      {children}
    </div>
  );
}

interface OllamaProviderProps {
  host: string;
  onChange: (host: string) => void;
  error: string | undefined;
  note: string | undefined;
}

function OllamaProvider({ host, onChange, error, note }: OllamaProviderProps) {
  return (
    <ProviderBox testId="provider-ollama" title="Ollama">
      <div className="form-row">
        <TextField
          label="Address"
          className="grow"
          testId="ollama-host"
          placeholder="127.0.0.1:11434"
          value={host}
          onChange={onChange}
          error={error}
          note={note}
        />
      </div>
      <ConnectionTest provider="ollama" placeholder="qwen2.5-coder:7b" />
    </ProviderBox>
  );
}

/** What the keyed providers' boxes read and write: the drafts, their errors and the key store. */
interface KeyedProviderProps {
  view: SettingsView;
  drafts: ProviderDrafts;
  set: (patch: Partial<ProviderDrafts>) => void;
  errorAt: (path: string) => string | undefined;
  clearKey: (name: string) => Promise<void>;
}

/** Anthropic's API: its address (when not the public one) and its key. */
function AnthropicProvider({ view, drafts, set, errorAt, clearKey }: KeyedProviderProps) {
  return (
    <ProviderBox testId="provider-anthropic" title="Anthropic">
      <TextField
        label="API URL"
        placeholder="https://api.anthropic.com"
        value={drafts.anthropicBaseUrl}
        onChange={(anthropicBaseUrl) => set({ anthropicBaseUrl })}
        error={errorAt('anthropic.baseUrl')}
        note={overrideNote(view, 'providers.anthropic.baseUrl')}
      />
      <KeyField
        label="API key"
        secret={ANTHROPIC_SECRET}
        view={view}
        value={drafts.anthropicKey}
        testId="anthropic-key"
        onChange={(anthropicKey) => set({ anthropicKey })}
        onClear={clearKey}
      />
    </ProviderBox>
  );
}

/** The Hugging Face Hub and GitHub: where models, data and example code come from, each a URL and a token. */
function SourceProviders({ view, drafts, set, errorAt, clearKey }: KeyedProviderProps) {
  return (
    <>
      <ProviderBox testId="provider-hf" title="Hugging Face">
        <TextField
          label="Hub URL"
          value={drafts.hubUrl}
          onChange={(hubUrl) => set({ hubUrl })}
          error={errorAt('huggingFace.hubUrl')}
        />
        <KeyField
          label="Token"
          secret={HF_SECRET}
          view={view}
          value={drafts.hfToken}
          testId="hf-token"
          onChange={(hfToken) => set({ hfToken })}
          onClear={clearKey}
        />
      </ProviderBox>
      <ProviderBox testId="provider-github" title="GitHub (example code)">
        <TextField
          label="API URL"
          placeholder="https://api.github.com"
          value={drafts.githubApiUrl}
          onChange={(githubApiUrl) => set({ githubApiUrl })}
          error={errorAt('github.apiUrl')}
        />
        <KeyField
          label="Token"
          secret={GITHUB_SECRET}
          view={view}
          value={drafts.githubToken}
          testId="github-token"
          onChange={(githubToken) => set({ githubToken })}
          onClear={clearKey}
        />
      </ProviderBox>
    </>
  );
}

export function ProvidersSection(props: SectionProps) {
  const { view } = props;
  const { drafts, set, section, errorAt, onSave, clearKey } = useProvidersForm(props);
  const keyed = { view, drafts, set, errorAt, clearKey };
  return (
    <Section title="Model providers" testId="settings-providers">
      <OllamaProvider
        host={drafts.ollamaHost}
        onChange={(ollamaHost) => set({ ollamaHost })}
        error={errorAt('ollama.host')}
        note={overrideNote(view, 'providers.ollama.host')}
      />
      <EndpointList
        view={view}
        endpoints={drafts.endpoints}
        onChange={(endpoints) => set({ endpoints })}
        errorAt={errorAt}
        onClearKey={clearKey}
      />
      <AnthropicProvider {...keyed} />
      <SourceProviders {...keyed} />
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={() => void onSave()} />
    </Section>
  );
}
