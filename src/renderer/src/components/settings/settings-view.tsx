// The settings screen: model providers and their keys, the defaults every new run starts with
// (model, budgets, approval rules), the sandbox's limits and network, and the data folder's disk use.
// Each section saves on its own; errors are shown beside the field that caused them.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { SettingsPatch, SettingsView as SettingsData, StorageUsage } from '../../../../shared/settings';
import type { ErrorInfo } from '../../../../shared/errors';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { loading, type Loadable } from '../../hooks/loadable';
import { formatBytes } from '../../../../shared/format';
import { checkPatch, type FieldErrors } from '../../settings-form';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { ProvidersSection } from './settings-providers';
import { RunDefaultsSection, SandboxSection } from './settings-runs';
import { RulesSection } from './settings-rules';

/** What a section needs: the settings as saved, and a way to save a change to them. */
export interface SectionProps {
  view: SettingsData;
  save: (patch: SettingsPatch) => Promise<SectionResult>;
  onChanged: (view: SettingsData) => void;
}

export type SectionResult = { ok: true } | { ok: false; errors: FieldErrors; error?: ErrorInfo };

export function SettingsView({ onClose }: { onClose: () => void }) {
  const [view, setView] = useState<Loadable<SettingsData>>(loading);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    request('settings.get', {}).then(
      (value) => live && setView({ status: 'ready', value }),
      (error: unknown) => live && setView({ status: 'error', error: toErrorInfo(error) }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  const retry = useCallback(() => {
    setView(loading);
    setAttempt((count) => count + 1);
  }, []);

  const save = useCallback(async (patch: SettingsPatch): Promise<SectionResult> => {
    const checked = checkPatch(patch);
    if (!checked.ok) return checked;
    try {
      const value = await request('settings.update', checked.patch);
      setView({ status: 'ready', value });
      return { ok: true };
    } catch (failure) {
      return { ok: false, errors: {}, error: toErrorInfo(failure) };
    }
  }, []);
  const onChanged = useCallback((value: SettingsData) => setView({ status: 'ready', value }), []);

  return (
    <div className="settings" data-testid="settings">
      <div className="settings-head">
        <h2 className="settings-title">Settings</h2>
        <button type="button" className="button" data-testid="close-settings" onClick={onClose}>
          Back to runs
        </button>
      </div>
      {view.status === 'loading' && <LoadingLine label="Reading settings…" />}
      {view.status === 'error' && <ErrorBox error={view.error} onRetry={retry} testId="settings-error" />}
      {view.status === 'ready' && (
        <>
          <p className="muted">
            Saved in <span className="mono">{view.value.file}</span>. API keys are kept encrypted apart from it.
          </p>
          <ProvidersSection view={view.value} save={save} onChanged={onChanged} />
          <RunDefaultsSection view={view.value} save={save} onChanged={onChanged} />
          <RulesSection view={view.value} save={save} onChanged={onChanged} />
          <SandboxSection view={view.value} save={save} onChanged={onChanged} />
          <StorageSection />
        </>
      )}
    </div>
  );
}

export function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="settings-section" data-testid={testId} aria-label={title}>
      <h3 className="settings-section-title">{title}</h3>
      {children}
    </section>
  );
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  note?: string | undefined;
  children: ReactNode;
  className?: string;
}

/** A labelled input with its error (or a note) right below it. */
export function Field({ label, error, note, children, className = '' }: FieldProps) {
  return (
    <label className={`form-field ${className}`}>
      <span className="field-label">{label}</span>
      {children}
      {error !== undefined && (
        <span className="field-error" role="alert" data-testid="field-error">
          {error}
        </span>
      )}
      {error === undefined && note !== undefined && <span className="field-note muted">{note}</span>}
    </label>
  );
}

/** The save button of a section, what became of the last save, and an error not tied to one field. */
export function SaveRow({
  busy,
  saved,
  error,
  onSave,
}: {
  busy: boolean;
  saved: boolean;
  error?: ErrorInfo | undefined;
  onSave: () => void;
}) {
  return (
    <>
      {error !== undefined && <ErrorBox error={error} testId="section-error" />}
      <div className="button-row">
        <button type="button" className="button button-primary" data-testid="save" disabled={busy} onClick={onSave}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        {saved && (
          <span className="muted" data-testid="saved">
            Saved
          </span>
        )}
      </div>
    </>
  );
}

/** Saving state shared by the sections: busy, saved, field errors and a general error. */
export function useSectionSave(save: SectionProps['save']) {
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ErrorInfo | undefined>(undefined);
  const run = async (patch: SettingsPatch, after?: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setSaved(false);
    const result = await save(patch);
    if (result.ok && after !== undefined) {
      try {
        await after();
      } catch (failure) {
        setBusy(false);
        setError(toErrorInfo(failure));
        return false;
      }
    }
    setBusy(false);
    setErrors(result.ok ? {} : result.errors);
    setError(result.ok ? undefined : result.error);
    setSaved(result.ok);
    return result.ok;
  };
  return { busy, saved, errors, error, run };
}

function StorageSection() {
  const [usage, setUsage] = useState<Loadable<StorageUsage>>(loading);
  useEffect(() => {
    let live = true;
    request('storage.usage', {}).then(
      (value) => live && setUsage({ status: 'ready', value }),
      (error: unknown) => live && setUsage({ status: 'error', error: toErrorInfo(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <Section title="Data folder" testId="settings-storage">
      {usage.status === 'loading' && <LoadingLine label="Measuring…" />}
      {usage.status === 'error' && <ErrorBox error={usage.error} />}
      {usage.status === 'ready' && (
        <dl className="storage-usage">
          <dt>Folder</dt>
          <dd className="mono" data-testid="storage-home">
            {usage.value.home}
          </dd>
          <dt>Database</dt>
          <dd>{formatBytes(usage.value.databaseBytes)}</dd>
          <dt>Blobs</dt>
          <dd>{formatBytes(usage.value.blobsBytes)}</dd>
          <dt>Run workspaces</dt>
          <dd>{formatBytes(usage.value.workspacesBytes)}</dd>
          <dt>Free on this disk</dt>
          <dd data-testid="storage-free">
            {formatBytes(usage.value.freeBytes)} of {formatBytes(usage.value.totalBytes)}
          </dd>
        </dl>
      )}
      {usage.status === 'ready' && usage.value.runs.length > 0 && (
        <table className="storage-runs" data-testid="storage-runs">
          <caption className="field-label">
            Largest runs (delete one from the run list, or with <code>looplab delete</code>)
          </caption>
          <tbody>
            {usage.value.runs.map((run) => (
              <tr key={run.id} data-testid="storage-run">
                <td className="mono">{run.id}</td>
                <td className="muted">{run.status}</td>
                <td className="run-goal" title={run.goal}>
                  {run.goal}
                </td>
                <td className="num">{formatBytes(run.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
