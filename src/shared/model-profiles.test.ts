import { describe, expect, it } from 'vitest';
import { describeProfile, matchesPattern, profileFor } from './model-profiles';
import { settingsSchema } from './settings';

describe('model profile patterns', () => {
  it('match the whole name, `*` standing for any characters, ignoring case', () => {
    expect(matchesPattern('ollama/qwen3*', 'ollama/qwen3:8b')).toBe(true);
    expect(matchesPattern('ollama/qwen3*', 'ollama/Qwen3')).toBe(true);
    expect(matchesPattern('ollama/qwen3*', 'openai/ollama/qwen3')).toBe(false);
    expect(matchesPattern('ollama/qwen3', 'ollama/qwen3:8b')).toBe(false);
    expect(matchesPattern('*/gemma*:2b', 'ollama/gemma2:2b')).toBe(true);
    // Dots and other pattern characters are plain letters.
    expect(matchesPattern('ollama/qwen2.5*', 'ollama/qwen205')).toBe(false);
  });
});

describe('profileFor', () => {
  it('gives the built-in profile of a known family, saying where each field came from', () => {
    const { profile, sources } = profileFor('ollama/qwen3:8b');
    expect(profile).toEqual({ contextLength: 32_768, temperature: 0.7, think: false, tools: 'native' });
    expect(sources.think).toEqual({ from: 'built-in', pattern: 'ollama/qwen3*' });
    expect(describeProfile(profile)).toBe('32k context · temperature 0.7 · thinking off · native tools');
  });

  it('applies a more specific built-in over a broader one', () => {
    const { profile, sources } = profileFor('ollama/llama3:8b');
    expect(profile).toEqual({ contextLength: 8192, temperature: 0.2, tools: 'text', compactTools: true });
    expect(sources.tools?.pattern).toBe('ollama/llama3:*');
    expect(sources.temperature?.pattern).toBe('ollama/llama3*');
    expect(profileFor('ollama/llama3.1:8b').profile.tools).toBe('native');
  });

  it('is empty for a model no profile names: the run and the server decide', () => {
    expect(profileFor('anthropic/claude-sonnet-4-5')).toEqual({ profile: {}, sources: {} });
  });

  it("lets the person's profiles override the built-ins field by field, the most specific last", () => {
    const settings = settingsSchema.parse({
      modelProfiles: {
        'ollama/qwen3:14b': { think: true },
        'ollama/qwen3*': { temperature: 0.5, compactTools: true },
      },
    });
    const { profile, sources } = profileFor('ollama/qwen3:14b', settings);
    expect(profile).toEqual({
      contextLength: 32_768,
      temperature: 0.5,
      think: true,
      tools: 'native',
      compactTools: true,
    });
    expect(sources).toEqual({
      contextLength: { from: 'built-in', pattern: 'ollama/qwen3*' },
      temperature: { from: 'settings', pattern: 'ollama/qwen3*' },
      think: { from: 'settings', pattern: 'ollama/qwen3:14b' },
      tools: { from: 'built-in', pattern: 'ollama/qwen3*' },
      compactTools: { from: 'settings', pattern: 'ollama/qwen3*' },
    });
    expect(profileFor('ollama/qwen3:8b', settings).profile.think).toBe(false);
  });

  it('names a bad entry of settings.json by its pattern and field', () => {
    const parsed = settingsSchema.safeParse({
      modelProfiles: { 'ollama/gemma*': { temperature: 3, tools: 'json' }, 'ollama/x': { contextLenght: 8192 } },
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues).toEqual([
      'modelProfiles.ollama/gemma*.temperature: a temperature from 0 to 2',
      'modelProfiles.ollama/gemma*.tools: tools is native or text',
      'modelProfiles.ollama/x: Unrecognized key: "contextLenght"',
    ]);
  });
});
