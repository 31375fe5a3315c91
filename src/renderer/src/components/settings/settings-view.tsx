// The settings screen: model providers and their keys, the defaults every new run starts with
// (model, budgets, approval rules), how each model is run (its profile), the sandbox's limits and network,
// where jobs run (compute targets), and the data folder's disk use.
// Each section saves on its own; errors are shown beside the field that caused them.
import { useCallback, useEffect, useState } from 'react';
import type { SettingsPatch, SettingsView as SettingsData } from '../../../../shared/settings';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { loading, type Loadable } from '../../hooks/loadable';
import { checkPatch } from '../../settings-form';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { ProfilesSection } from './settings-profiles';
import { ProvidersSection } from './settings-providers';
import { RunDefaultsSection } from './settings-runs';
import { RulesSection } from './settings-rules';
import { SandboxSection } from './settings-sandbox';
import type { SectionResult } from './settings-section';
import { StorageSection } from './settings-storage';
import { TargetsSection } from './settings-targets';

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
          <ProfilesSection view={view.value} save={save} onChanged={onChanged} />
          <RulesSection view={view.value} save={save} onChanged={onChanged} />
          <SandboxSection view={view.value} save={save} onChanged={onChanged} />
          <TargetsSection view={view.value} save={save} onChanged={onChanged} />
          <StorageSection />
        </>
      )}
    </div>
  );
}
