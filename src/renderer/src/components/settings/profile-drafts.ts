// The model profiles of the settings screen as the person edits them: one draft per model name or
// pattern, its numbers as typed and each choice either set or left to the built-in profile; read back
// into settings.json's `modelProfiles`, or each wrong row's words.
import type { ModelProfile, ModelProfiles, ToolMode } from '../../../../shared/model-profiles';
import { contextLengthRule, temperatureRule } from '../../number-rules';
import { numberText, readNumbers } from '../../number-text';

/** `''`: not set here, so the built-in profile (or the server) decides. */
export type Choice<T extends string> = '' | T;

export interface ProfileDraft {
  pattern: string;
  contextLength: string;
  temperature: string;
  think: Choice<'on' | 'off'>;
  tools: Choice<ToolMode>;
  compactTools: Choice<'on' | 'off'>;
}

const onOff = (value: boolean | undefined): Choice<'on' | 'off'> => (value === undefined ? '' : value ? 'on' : 'off');
const fromOnOff = (choice: Choice<'on' | 'off'>): boolean | undefined => (choice === '' ? undefined : choice === 'on');

export function profileDrafts(profiles: ModelProfiles | undefined): ProfileDraft[] {
  return Object.entries(profiles ?? {}).map(([pattern, profile]) => ({
    pattern,
    contextLength: numberText(profile.contextLength),
    temperature: numberText(profile.temperature),
    think: onOff(profile.think),
    tools: profile.tools ?? '',
    compactTools: onOff(profile.compactTools),
  }));
}

export function emptyDraft(pattern: string): ProfileDraft {
  return { pattern, contextLength: '', temperature: '', think: '', tools: '', compactTools: '' };
}

/** What is wrong with a row, by its field. */
export type RowErrors = Partial<Record<'pattern' | 'contextLength' | 'temperature', string>>;

/** The drafts as settings.json's profiles, or the words to show under each wrong field (by row index). */
export function readProfiles(
  drafts: readonly ProfileDraft[],
): { ok: true; profiles: ModelProfiles } | { ok: false; errors: Record<number, RowErrors> } {
  const profiles: ModelProfiles = {};
  const errors: Record<number, RowErrors> = {};
  drafts.forEach((draft, index) => {
    const pattern = draft.pattern.trim();
    const numbers = readNumbers({
      contextLength: { text: draft.contextLength, rule: contextLengthRule },
      temperature: { text: draft.temperature, rule: temperatureRule },
    });
    const wrong: RowErrors = numbers.ok ? {} : { ...numbers.errors };
    if (pattern === '') wrong.pattern = 'name a model, or a pattern like ollama/qwen3*';
    else if (pattern in profiles) wrong.pattern = `${pattern} is named twice`;
    if (!numbers.ok || Object.keys(wrong).length > 0) {
      errors[index] = wrong;
      return;
    }
    const think = fromOnOff(draft.think);
    const compactTools = fromOnOff(draft.compactTools);
    const profile: ModelProfile = {
      ...numbers.values,
      ...(think !== undefined && { think }),
      ...(draft.tools !== '' && { tools: draft.tools }),
      ...(compactTools !== undefined && { compactTools }),
    };
    profiles[pattern] = profile;
  });
  return Object.keys(errors).length === 0 ? { ok: true, profiles } : { ok: false, errors };
}
