// The providers section's form: what each field holds as typed, read from the saved settings and turned
// back into the patch and the keys a save sends. Keys are never read back: a draft's key is empty
// until the person types one.
import {
  ANTHROPIC_SECRET,
  endpointSecret,
  GITHUB_SECRET,
  HF_SECRET,
  type Endpoint,
  type SettingsPatch,
  type SettingsView,
} from '../../../../shared/settings';
import { textField } from '../../settings-form';

export interface EndpointDraft {
  name: string;
  baseUrl: string;
  key: string;
  /** The secret holding its key, as saved. */
  keySecret: string | undefined;
}

export interface ProviderDrafts {
  ollamaHost: string;
  endpoints: EndpointDraft[];
  anthropicBaseUrl: string;
  anthropicKey: string;
  hubUrl: string;
  hfToken: string;
  githubApiUrl: string;
  githubToken: string;
}

export const emptyEndpoint: EndpointDraft = { name: '', baseUrl: '', key: '', keySecret: undefined };

export function draftsOf(view: SettingsView): ProviderDrafts {
  const { providers } = view.settings;
  return {
    ollamaHost: providers.ollama.host ?? '',
    endpoints: providers.endpoints.map((endpoint) => ({ ...endpoint, key: '', keySecret: endpoint.keySecret })),
    anthropicBaseUrl: providers.anthropic.baseUrl ?? '',
    anthropicKey: '',
    hubUrl: providers.huggingFace.hubUrl,
    hfToken: '',
    githubApiUrl: providers.github?.apiUrl ?? '',
    githubToken: '',
  };
}

/** The endpoints as saved: a typed key names the endpoint's secret, otherwise the saved one stays. */
export function endpointsOf(drafts: ProviderDrafts): Endpoint[] {
  return drafts.endpoints.map((draft) => {
    const keySecret = draft.key.trim() !== '' ? endpointSecret(draft.name.trim()) : draft.keySecret;
    return {
      name: draft.name.trim(),
      baseUrl: draft.baseUrl.trim(),
      ...(keySecret === undefined ? {} : { keySecret }),
    };
  });
}

/** Each secret with what was typed for it; empty where nothing was (those are left as they are). */
export function typedKeys(drafts: ProviderDrafts): [string, string][] {
  return [
    ...drafts.endpoints.map((draft): [string, string] => [endpointSecret(draft.name.trim()), draft.key.trim()]),
    [ANTHROPIC_SECRET, drafts.anthropicKey.trim()],
    [HF_SECRET, drafts.hfToken.trim()],
    [GITHUB_SECRET, drafts.githubToken.trim()],
  ];
}

export function providersPatch(drafts: ProviderDrafts, endpoints: Endpoint[]): SettingsPatch {
  const ollamaHost = textField(drafts.ollamaHost);
  const anthropicBaseUrl = textField(drafts.anthropicBaseUrl);
  const githubApiUrl = textField(drafts.githubApiUrl);
  return {
    providers: {
      ollama: ollamaHost === undefined ? {} : { host: ollamaHost },
      endpoints,
      anthropic: anthropicBaseUrl === undefined ? {} : { baseUrl: anthropicBaseUrl },
      huggingFace: { hubUrl: drafts.hubUrl.trim() },
      github: githubApiUrl === undefined ? {} : { apiUrl: githubApiUrl },
    },
  };
}

/** After a save: the typed keys are stored, so the fields empty and the endpoints name their secrets. */
export function afterSave(drafts: ProviderDrafts, endpoints: Endpoint[]): ProviderDrafts {
  return {
    ...drafts,
    endpoints: drafts.endpoints.map((draft, index) => ({ ...draft, key: '', keySecret: endpoints[index]!.keySecret })),
    anthropicKey: '',
    hfToken: '',
    githubToken: '',
  };
}
