// How each model is run: the effective profile of the default model (each value and where it comes
// from: a built-in profile, the person's, or the server), and the person's profiles by model name or
// pattern, each field set here or left to the built-in profile.
import { useState } from 'react';
import {
  profileFor,
  type EffectiveProfile,
  type ProfileField,
  type ProfileSource,
} from '../../../../shared/model-profiles';
import { contextLengthRule, temperatureRule } from '../../number-rules';
import { Field } from '../common/field';
import { NumberField } from '../common/number-field';
import { TextField } from '../common/text-field';
import {
  emptyDraft,
  profileDrafts,
  readProfiles,
  type Choice,
  type ProfileDraft,
  type RowErrors,
} from './profile-drafts';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

const fieldLabels: Record<ProfileField, string> = {
  contextLength: 'Context length',
  temperature: 'Temperature',
  think: 'Thinking',
  tools: 'Tools',
  compactTools: 'Tool descriptions',
};

export function ProfilesSection({ view, save }: SectionProps) {
  const { settings } = view;
  const [drafts, setDrafts] = useState(() => profileDrafts(settings.modelProfiles));
  const section = useSectionSave(save);
  const [rowErrors, setRowErrors] = useState<Record<number, RowErrors>>({});
  const model = settings.defaultModel;
  const savedError = (draft: ProfileDraft) =>
    Object.entries(section.errors)
      .filter(([path]) => path.startsWith(`modelProfiles.${draft.pattern.trim()}`))
      .map(([, message]) => message)
      .join('; ') || undefined;

  function onSave(): void {
    const read = readProfiles(drafts);
    setRowErrors(read.ok ? {} : read.errors);
    if (!read.ok) return section.reject({}, 'modelProfiles');
    void section.run({ modelProfiles: read.profiles });
  }
  const change = (index: number, patch: Partial<ProfileDraft>) =>
    setDrafts(drafts.map((item, at) => (at === index ? { ...item, ...patch } : item)));
  const named = drafts.some((draft) => draft.pattern.trim() === model);

  return (
    <Section title="Model profiles" testId="settings-profiles">
      <p className="muted">
        How a model is run: its context window when a run asks for none, its temperature, whether a thinking model
        thinks, and whether tools go to the server or are described in the prompt for models that cannot take them
        (their calls are read from the text). Built-in profiles cover common local families; yours win field by field.
      </p>
      <EffectiveProfileView model={model} effective={profileFor(model, settings)} />
      {drafts.length === 0 && <p className="muted">No profiles of your own.</p>}
      <ol className="settings-rules">
        {drafts.map((draft, index) => (
          <ProfileRow
            key={index}
            draft={draft}
            errors={rowErrors[index] ?? { pattern: savedError(draft) }}
            onChange={(patch) => change(index, patch)}
            onRemove={() => setDrafts(drafts.filter((_, at) => at !== index))}
          />
        ))}
      </ol>
      <button
        type="button"
        className="button"
        data-testid="profile-add"
        onClick={() => setDrafts([...drafts, emptyDraft(named ? '' : model)])}
      >
        Add a profile
      </button>
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={onSave} />
    </Section>
  );
}

function shown(field: ProfileField, effective: EffectiveProfile): string {
  const { profile } = effective;
  switch (field) {
    case 'contextLength':
      return profile.contextLength === undefined
        ? 'the model’s, at most 32,768 tokens'
        : `${profile.contextLength.toLocaleString('en-US')} tokens`;
    case 'temperature':
      return profile.temperature === undefined ? 'the server’s' : String(profile.temperature);
    case 'think':
      return profile.think === undefined ? 'the server’s default' : profile.think ? 'on' : 'off';
    case 'tools':
      return profile.tools === 'text' ? 'described in the prompt, calls read from text' : 'sent to the server';
    case 'compactTools':
      return profile.compactTools === true ? 'compact (first sentence)' : 'whole';
  }
}

function sourceText(source: ProfileSource | undefined): string {
  if (source === undefined) return 'default';
  return `${source.from === 'built-in' ? 'built-in' : 'yours'} · ${source.pattern}`;
}

function EffectiveProfileView({ model, effective }: { model: string; effective: EffectiveProfile }) {
  return (
    <div className="profile-effective" data-testid="profile-effective">
      <span className="field-label">
        The default model, <span className="mono">{model}</span>, runs with
      </span>
      <dl className="profile-fields">
        {(Object.keys(fieldLabels) as ProfileField[]).map((field) => (
          <div key={field} className="profile-field" data-testid={`effective-${field}`}>
            <dt>{fieldLabels[field]}</dt>
            <dd>{shown(field, effective)}</dd>
            <dd className="muted mono">{sourceText(effective.sources[field])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

interface ProfileRowProps {
  draft: ProfileDraft;
  errors: RowErrors;
  onChange: (patch: Partial<ProfileDraft>) => void;
  onRemove: () => void;
}

function ProfileRow({ draft, errors, onChange, onRemove }: ProfileRowProps) {
  return (
    <li className="settings-profile" data-testid="profile">
      <div className="form-row settings-rule">
        <TextField
          label="Model or pattern"
          className="grow"
          testId="profile-pattern"
          placeholder="ollama/qwen3*"
          value={draft.pattern}
          onChange={(pattern) => onChange({ pattern })}
          error={errors.pattern}
        />
        <button type="button" className="button" data-testid="profile-remove" onClick={onRemove}>
          Remove
        </button>
      </div>
      <ProfileFields draft={draft} errors={errors} onChange={onChange} />
    </li>
  );
}

/** A profile's values, each left to the built-in one when empty. */
function ProfileFields({ draft, errors, onChange }: Omit<ProfileRowProps, 'onRemove'>) {
  return (
    <div className="form-row">
      <NumberField
        label="Context length"
        testId="profile-context"
        rule={contextLengthRule}
        placeholder="built-in"
        value={draft.contextLength}
        onChange={(contextLength) => onChange({ contextLength })}
        error={errors.contextLength}
      />
      <NumberField
        label="Temperature"
        testId="profile-temperature"
        rule={temperatureRule}
        placeholder="built-in"
        value={draft.temperature}
        onChange={(temperature) => onChange({ temperature })}
        error={errors.temperature}
      />
      <ChoiceField
        label="Thinking"
        testId="profile-think"
        value={draft.think}
        options={['on', 'off']}
        onChange={(think) => onChange({ think })}
      />
      <ChoiceField
        label="Tools"
        testId="profile-tools"
        value={draft.tools}
        options={['native', 'text']}
        onChange={(tools) => onChange({ tools })}
      />
      <ChoiceField
        label="Compact tools"
        testId="profile-compact"
        value={draft.compactTools}
        options={['on', 'off']}
        onChange={(compactTools) => onChange({ compactTools })}
      />
    </div>
  );
}

interface ChoiceFieldProps<T extends string> {
  label: string;
  testId: string;
  value: Choice<T>;
  options: readonly T[];
  onChange: (value: Choice<T>) => void;
}

function ChoiceField<T extends string>({ label, testId, value, options, onChange }: ChoiceFieldProps<T>) {
  return (
    <Field label={label} className="narrow">
      <select
        className="text-input"
        data-testid={testId}
        value={value}
        onChange={(event) => onChange(event.target.value as Choice<T>)}
      >
        <option value="">built-in</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </Field>
  );
}
