// The settings a host offers the UI: settings.json read and changed whole-section, secrets set and
// cleared (the UI only ever sees that one is set and its last characters), which environment
// variables override what, and rules added from an approval ("always allow this").
import type { ApprovalRule } from '../../shared/loop-config';
import { endpointSecret, type SettingsPatch, type SettingsView } from '../../shared/settings';
import type { HomePaths } from '../home';
import type { SecretStore } from './secret-store';
import { loadSettings, updateSettings } from './settings-store';

export interface SettingsService {
  view(): SettingsView;
  update(patch: SettingsPatch): SettingsView;
  setSecret(name: string, value: string): SettingsView;
  clearSecret(name: string): SettingsView;
  /** Puts a rule first among the default rules, unless the same rule is already there. */
  addDefaultRule(rule: ApprovalRule): void;
}

/** Environment variables that win over a setting or a saved secret when set, by what they override. */
function overrides(env: NodeJS.ProcessEnv): Record<string, string> {
  const known: Record<string, string> = {
    'providers.ollama.host': 'OLLAMA_HOST',
    'providers.endpoints.openai.baseUrl': 'OPENAI_BASE_URL',
    [`secret:${endpointSecret('openai')}`]: 'OPENAI_API_KEY',
    'providers.anthropic.baseUrl': 'ANTHROPIC_BASE_URL',
    'secret:anthropic': 'ANTHROPIC_API_KEY',
    'secret:hf': 'HF_TOKEN',
    'secret:github': 'GITHUB_TOKEN',
    defaultModel: 'LOOPLAB_MODEL',
  };
  return Object.fromEntries(
    Object.entries(known).filter(([, variable]) => env[variable] !== undefined && env[variable] !== ''),
  );
}

const sameRule = (a: ApprovalRule, b: ApprovalRule) =>
  a.tool === b.tool && a.arg === b.arg && a.pattern === b.pattern && a.action === b.action;

export function createSettingsService(
  paths: HomePaths,
  secrets: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): SettingsService {
  const view = (): SettingsView => ({
    file: paths.settings,
    settings: loadSettings(paths),
    secrets: secrets.statuses(),
    overrides: overrides(env),
  });
  return {
    view,
    update(patch) {
      updateSettings(paths, patch);
      return view();
    },
    setSecret(name, value) {
      secrets.set(name, value);
      return view();
    },
    clearSecret(name) {
      secrets.clear(name);
      return view();
    },
    addDefaultRule(rule) {
      const { rules } = loadSettings(paths);
      if (rules.some((existing) => sameRule(existing, rule))) return;
      updateSettings(paths, { rules: [rule, ...rules] });
    },
  };
}
