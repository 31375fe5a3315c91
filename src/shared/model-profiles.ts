// How a model family is best run: the context window to ask for, the temperature, whether a thinking
// model thinks, whether tools go to the server natively or are described in the system prompt (the
// model writes its calls as text, which the harness recovers), and whether tool descriptions are cut
// short to save a small window. Built-in defaults for common local families; the person's profiles in
// settings.json (`modelProfiles`, keyed by a model name or a pattern with `*`) override them field by field.
import { z } from 'zod';

export const toolModes = ['native', 'text'] as const;
export type ToolMode = (typeof toolModes)[number];

export const modelProfileSchema = z.strictObject({
  /** The context window a run asks for when it names none (capped by what the model takes). */
  contextLength: z
    .number()
    .int('a whole number of tokens')
    .min(1024, 'a context length of at least 1024 tokens')
    .max(2_097_152, 'a context length of at most 2097152 tokens')
    .optional(),
  temperature: z.number().min(0, 'a temperature from 0 to 2').max(2, 'a temperature from 0 to 2').optional(),
  /** Whether a thinking model thinks (sent to Ollama as `think`); unset leaves it to the server. */
  think: z.boolean().optional(),
  /** `text`: tools are described in the system prompt and the model's written calls are recovered. */
  tools: z.enum(toolModes, { message: 'tools is native or text' }).optional(),
  /** Tool descriptions cut to their first sentence, parameter descriptions dropped. */
  compactTools: z.boolean().optional(),
});
export type ModelProfile = z.infer<typeof modelProfileSchema>;
export type ProfileField = keyof ModelProfile;
export const profileFields = ['contextLength', 'temperature', 'think', 'tools', 'compactTools'] as const;

export const profilePatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^\S+$/, 'a model name or pattern without spaces, e.g. ollama/qwen3*');

export const modelProfilesSchema = z.record(profilePatternSchema, modelProfileSchema);
export type ModelProfiles = z.infer<typeof modelProfilesSchema>;

export interface BuiltinProfile {
  pattern: string;
  profile: ModelProfile;
}

/**
 * Defaults for common Ollama families. Context lengths are capped at 32k where the model takes more:
 * Ollama reserves GPU memory for the whole window, and 32k keeps a 7B model on a 24 GB card. Smaller
 * windows are the model's own (Llama 3, Gemma 2) or keep a tiny model fast.
 */
export const builtinProfiles: readonly BuiltinProfile[] = [
  // Coder models writing code and tool arguments: a low temperature keeps both exact. Ollama serves
  // Qwen 2.5 with tool calling; the calls it writes as text instead are recovered anyway.
  { pattern: 'ollama/qwen2.5-coder*', profile: { contextLength: 32_768, temperature: 0.2, tools: 'native' } },
  // Qwen 3 thinks before every reply by default, which multiplies the time of each of the many short
  // steps of a loop; thinking off, Qwen recommends a temperature of 0.7. A profile can turn it back on.
  { pattern: 'ollama/qwen3*', profile: { contextLength: 32_768, temperature: 0.7, think: false, tools: 'native' } },
  // Llama 3.1 and later take tools natively (and sometimes write them as `<|python_tag|>` text).
  { pattern: 'ollama/llama3*', profile: { contextLength: 32_768, temperature: 0.2, tools: 'native' } },
  // The first Llama 3 has an 8k window and no tool calling in Ollama's template: tools as text,
  // described briefly to leave room for the work.
  { pattern: 'ollama/llama3', profile: { contextLength: 8192, tools: 'text', compactTools: true } },
  { pattern: 'ollama/llama3:*', profile: { contextLength: 8192, tools: 'text', compactTools: true } },
  // Mistral 7B v0.3 has a 32k window and native calls (`[TOOL_CALLS]`); Mistral advises a low temperature.
  { pattern: 'ollama/mistral*', profile: { contextLength: 32_768, temperature: 0.3, tools: 'native' } },
  // gpt-oss always reasons (Ollama takes only effort levels for it, so `think` is left to the server);
  // OpenAI recommends a temperature of 1.0.
  { pattern: 'ollama/gpt-oss*', profile: { contextLength: 32_768, temperature: 1, tools: 'native' } },
  // DeepSeek-R1 is run for its reasoning: thinking stays on, at DeepSeek's recommended 0.6. Most of its
  // tags (the Qwen 2.5 and Llama distills) have no tool calling in Ollama, so tools go as text.
  {
    pattern: 'ollama/deepseek-r1*',
    profile: { contextLength: 32_768, temperature: 0.6, think: true, tools: 'text', compactTools: true },
  },
  // Gemma has no tool calling in Ollama's templates: tools as text, briefly (Gemma 2 has an 8k window,
  // the small Gemma 3 models are fastest with one); a low temperature keeps written calls valid JSON.
  { pattern: 'ollama/gemma*', profile: { contextLength: 8192, temperature: 0.3, tools: 'text', compactTools: true } },
];

export interface ProfileSource {
  from: 'built-in' | 'settings';
  /** The model name or pattern that gave the value. */
  pattern: string;
}

export interface EffectiveProfile {
  /** Fields left out take the run's or the server's default (tools native, descriptions whole). */
  profile: ModelProfile;
  sources: Partial<Record<ProfileField, ProfileSource>>;
}

/** Whether `pattern` (a name with `*` for any characters) covers the whole of `modelName`, ignoring case. */
export function matchesPattern(pattern: string, modelName: string): boolean {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i').test(modelName);
}

/** How much of a name a pattern spells out: a more specific pattern is applied later, over a broader one. */
function specificity(pattern: string): number {
  return pattern.replace(/\*/g, '').length + (pattern.includes('*') ? 0 : 1000);
}

function matching(entries: readonly BuiltinProfile[], modelName: string): BuiltinProfile[] {
  return entries
    .filter((entry) => matchesPattern(entry.pattern, modelName))
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => specificity(a.entry.pattern) - specificity(b.entry.pattern) || a.index - b.index)
    .map(({ entry }) => entry);
}

/**
 * The profile a run of `modelName` uses: the built-in profiles that match it, broadest first, then the
 * person's, each field from the most specific one that sets it; and where each field came from.
 */
export function profileFor(modelName: string, settings?: { modelProfiles?: ModelProfiles }): EffectiveProfile {
  const own = Object.entries(settings?.modelProfiles ?? {}).map(([pattern, profile]) => ({ pattern, profile }));
  const layers = [
    ...matching(builtinProfiles, modelName).map((entry) => ({ ...entry, from: 'built-in' as const })),
    ...matching(own, modelName).map((entry) => ({ ...entry, from: 'settings' as const })),
  ];
  const profile: Record<string, unknown> = {};
  const sources: EffectiveProfile['sources'] = {};
  for (const layer of layers) {
    for (const field of profileFields) {
      const value = layer.profile[field];
      if (value === undefined) continue;
      profile[field] = value;
      sources[field] = { from: layer.from, pattern: layer.pattern };
    }
  }
  return { profile: profile as ModelProfile, sources };
}

/** The profile as a short line: `32k context · temperature 0.2 · thinking off · tools as text`. */
export function describeProfile(profile: ModelProfile): string {
  const parts: string[] = [];
  if (profile.contextLength !== undefined) parts.push(`${Math.round(profile.contextLength / 1024)}k context`);
  if (profile.temperature !== undefined) parts.push(`temperature ${profile.temperature}`);
  if (profile.think !== undefined) parts.push(profile.think ? 'thinking on' : 'thinking off');
  parts.push(profile.tools === 'text' ? 'tools as text' : 'native tools');
  if (profile.compactTools === true) parts.push('compact tool descriptions');
  return parts.join(' · ');
}
