// The model a fork goes on with: the default model in Settings unless the person picks another, with
// the models Ollama has installed and the providers configured offered. A recording's scripted model
// (the example run's) only replays what was recorded, so it is never offered, and the form says why.
import { useEffect, useState } from 'react';
import type { ModelList } from '../../../../shared/contract';
import { isScriptedModel } from '../../../../shared/scripted-model';
import { ANTHROPIC_SECRET, HF_SECRET, type SettingsView } from '../../../../shared/settings';
import { request } from '../../bridge';
import { useLocalModels } from '../../hooks/use-local-models';

export interface ForkModelChoices {
  /** What the field starts with: the Settings model. */
  initial: string;
  /** Models offered in the field's list, the Settings model first. */
  offered: string[];
  /** Providers configured, as `name/` prefixes a model is written with. */
  providers: string[];
}

/** The fork's default model and what to offer, from Settings, Ollama's models and the parent's model. */
export function forkModelChoices(
  view: SettingsView | undefined,
  list: ModelList | undefined,
  parentModel: string | undefined,
): ForkModelChoices {
  const initial = view?.settings.defaultModel ?? '';
  const installed = list?.ollama.models.map((model) => (model.id.includes('/') ? model.id : `ollama/${model.id}`));
  const parent = parentModel === undefined || isScriptedModel(parentModel) ? [] : [parentModel];
  const offered = [...new Set([initial, ...parent, ...(installed ?? [])])].filter((model) => model !== '');
  const providers = ['ollama'];
  if (view !== undefined) {
    providers.push(...view.settings.providers.endpoints.map((endpoint) => endpoint.name));
    if (view.secrets[ANTHROPIC_SECRET] !== undefined) providers.push('anthropic');
    if (view.secrets[HF_SECRET] !== undefined) providers.push('hf');
  }
  return { initial, offered, providers: [...new Set(providers)].map((name) => `${name}/`) };
}

/** Settings as they are now, read once per form. */
function useSettingsView(): SettingsView | undefined {
  const [view, setView] = useState<SettingsView | undefined>(undefined);
  useEffect(() => {
    let live = true;
    request('settings.get', {}).then(
      (value) => live && setView(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return view;
}

/** The fork's model choices, once Settings (and Ollama's list) have been read. */
export function useForkModelChoices(parentModel: string | undefined): ForkModelChoices & { loaded: boolean } {
  const view = useSettingsView();
  const local = useLocalModels();
  return { ...forkModelChoices(view, local.list, parentModel), loaded: view !== undefined };
}

interface ForkModelFieldProps {
  /** The model as the person typed it; the Settings model until they do. */
  value: string | undefined;
  onChange: (model: string) => void;
  parentModel: string | undefined;
  choices: ForkModelChoices & { loaded: boolean };
}

export function ForkModelField({ value, onChange, parentModel, choices }: ForkModelFieldProps) {
  const shown = value ?? choices.initial;
  const scriptedParent = parentModel !== undefined && isScriptedModel(parentModel);
  return (
    <label className="fork-model">
      Model (provider/model)
      <input
        data-testid="fork-model"
        className="mono"
        list="fork-models"
        spellCheck={false}
        autoComplete="off"
        placeholder={scriptedParent ? choices.initial : parentModel}
        value={shown}
        onChange={(event) => onChange(event.target.value)}
      />
      <datalist id="fork-models">
        {choices.offered.map((model) => (
          <option key={model} value={model} />
        ))}
      </datalist>
      <span className="muted fork-model-hint" data-testid="fork-model-hint">
        {choices.loaded && shown === choices.initial && 'The default model in Settings. '}
        Providers configured: {choices.providers.join(', ')}.
        {scriptedParent &&
          ` This run was recorded with ${parentModel}, a scripted model that only replays the recording and cannot continue live: the fork needs a model of yours.`}
      </span>
    </label>
  );
}
