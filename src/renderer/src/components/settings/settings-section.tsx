// What every settings section is made of: its frame and title, the save button with what became of
// the last save, and the saving state (busy, saved, errors by field, an error tied to no field).
import { useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { SettingsPatch, SettingsView } from '../../../../shared/settings';
import { toErrorInfo } from '../../error-info';
import type { FieldErrors } from '../../settings-form';
import { ErrorBox } from '../common/error-box';

/** What a section needs: the settings as saved, and a way to save a change to them. */
export interface SectionProps {
  view: SettingsView;
  save: (patch: SettingsPatch) => Promise<SectionResult>;
  onChanged: (view: SettingsView) => void;
}

export type SectionResult = { ok: true } | { ok: false; errors: FieldErrors; error?: ErrorInfo };

/** The note under a field whose setting an environment variable overrides, naming the variable. */
export function overrideNote(view: SettingsView, key: string): string | undefined {
  const variable = view.overrides[key];
  return variable === undefined ? undefined : `${variable} is set and wins over this.`;
}

export function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="settings-section" data-testid={testId} aria-label={title}>
      <h3 className="settings-section-title">{title}</h3>
      {children}
    </section>
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
  /** Refuses a save before anything is sent: each wrong field's words, by its key under `prefix`. */
  const reject = (found: Partial<Record<string, string>>, prefix: string): void => {
    const next: FieldErrors = {};
    for (const [key, message] of Object.entries(found)) if (message !== undefined) next[`${prefix}.${key}`] = message;
    setSaved(false);
    setError(undefined);
    setErrors(next);
  };
  return { busy, saved, errors, error, run, reject };
}
