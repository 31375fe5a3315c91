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
        <div className="settings-provider" data-testid="endpoint" data-name={draft.name} key={index}>
          <div className="form-row">
            <TextField
              label="Name"
              className="narrow"
              testId="endpoint-name"
              placeholder="vllm"
              value={draft.name}
              onChange={(name) => setEndpoint(index, { name })}
              error={errorAt(`endpoints.${index}.name`)}
            />
            <TextField
              label="Base URL"
              className="grow"
              testId="endpoint-url"
              placeholder="http://127.0.0.1:8000/v1"
              value={draft.baseUrl}
              onChange={(baseUrl) => setEndpoint(index, { baseUrl })}
              error={errorAt(`endpoints.${index}.baseUrl`)}
            />
          </div>
          <KeyField
            label="API key"
            secret={draft.keySecret}
            view={view}
            value={draft.key}
            testId="endpoint-key"
            onChange={(key) => setEndpoint(index, { key })}
            onClear={onClearKey}
          />
          <div className="button-row">
            {draft.name.trim() !== '' && <ConnectionTest provider={draft.name.trim()} placeholder="gpt-4o-mini" />}
            <button
              type="button"
              className="button"
              data-testid="endpoint-remove"
              onClick={() => onChange(endpoints.filter((_, at) => at !== index))}
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
        onClick={() => onChange([...endpoints, emptyEndpoint])}
      >
        Add a server
      </button>
    </>
  );
}
