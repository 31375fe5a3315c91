// The OpenAI-compatible servers of the providers section: each with the name its models are written
// with, its base URL, its key and a connection test; servers are added and removed here, saved with
// the section.
import type { SettingsView } from '../../../../shared/settings';
import { TextField } from '../common/text-field';
import { emptyEndpoint, type EndpointDraft } from './provider-drafts';
import { ConnectionTest, KeyField } from './provider-fields';

interface EndpointListProps {
  view: SettingsView;
  endpoints: EndpointDraft[];
  onChange: (endpoints: EndpointDraft[]) => void;
  /** The section's error for a path under `providers.`. */
  errorAt: (path: string) => string | undefined;
  onClearKey: (name: string) => Promise<void>;
}

export function EndpointList({ view, endpoints, onChange, errorAt, onClearKey }: EndpointListProps) {
  const setEndpoint = (index: number, patch: Partial<EndpointDraft>) =>
    onChange(endpoints.map((item, at) => (at === index ? { ...item, ...patch } : item)));
  return (
    <>
      <h4 className="settings-provider-title">OpenAI-compatible servers</h4>
      {errorAt('endpoints') !== undefined && <span className="field-error">{errorAt('endpoints')}</span>}
      {endpoints.map((draft, index) => (
        <EndpointRow
          key={index}
          view={view}
          draft={draft}
          onChange={(patch) => setEndpoint(index, patch)}
          onRemove={() => onChange(endpoints.filter((_, at) => at !== index))}
          errorAt={(field) => errorAt(`endpoints.${index}.${field}`)}
          onClearKey={onClearKey}
        />
      ))}
      <button
        type="button"
        className="button"
        data-testid="endpoint-add"
        onClick={() => onChange([...endpoints, emptyEndpoint])}
      >
        Add a server
      </button>
    </>
  );
}

interface EndpointRowProps {
  view: SettingsView;
  draft: EndpointDraft;
  onChange: (patch: Partial<EndpointDraft>) => void;
  onRemove: () => void;
  /** The section's error for one of this server's fields. */
  errorAt: (field: string) => string | undefined;
  onClearKey: (name: string) => Promise<void>;
}

function EndpointRow({ view, draft, onChange, onRemove, errorAt, onClearKey }: EndpointRowProps) {
  return (
    <div className="settings-provider" data-testid="endpoint" data-name={draft.name}>
      <div className="form-row">
        <TextField
          label="Name"
          className="narrow"
          testId="endpoint-name"
          placeholder="vllm"
          value={draft.name}
          onChange={(name) => onChange({ name })}
          error={errorAt('name')}
        />
        <TextField
          label="Base URL"
          className="grow"
          testId="endpoint-url"
          placeholder="http://127.0.0.1:8000/v1"
          value={draft.baseUrl}
          onChange={(baseUrl) => onChange({ baseUrl })}
          error={errorAt('baseUrl')}
        />
      </div>
      <KeyField
        label="API key"
        secret={draft.keySecret}
        view={view}
        value={draft.key}
        testId="endpoint-key"
        onChange={(key) => onChange({ key })}
        onClear={onClearKey}
      />
      <div className="button-row">
        {draft.name.trim() !== '' && <ConnectionTest provider={draft.name.trim()} placeholder="gpt-4o-mini" />}
        <button type="button" className="button" data-testid="endpoint-remove" onClick={onRemove}>
          Remove
        </button>
      </div>
    </div>
  );
}
