import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../../../tests/helpers/temp-home';
import { loadSettings, updateSettings } from './settings-store';

let home: TempHome;
beforeEach(() => (home = makeTempHome()));
afterEach(() => home.remove());

const defaults = {
  providers: { ollama: {}, endpoints: [], anthropic: {}, huggingFace: { hubUrl: 'https://huggingface.co' } },
  defaultModel: 'ollama/qwen2.5-coder:7b',
  rules: [],
  budget: {},
  sandbox: { network: 'none' },
  prices: {},
};

describe('settings', () => {
  it('defaults when there is no file, and reads price overrides', () => {
    expect(loadSettings(home.paths)).toEqual(defaults);
    writeFileSync(home.paths.settings, JSON.stringify({ prices: { 'openai/gpt-4o': { input: 2, output: 8 } } }));
    expect(loadSettings(home.paths)).toEqual({ ...defaults, prices: { 'openai/gpt-4o': { input: 2, output: 8 } } });
  });

  it('names a field it does not know, with the field it probably meant, at any depth', () => {
    writeFileSync(
      home.paths.settings,
      JSON.stringify({ defaultModle: 'ollama/llama3.1:8b', sandbox: { memoryMB: 4096 }, theme: 'dark' }),
    );
    expect(() => loadSettings(home.paths)).toThrow(
      `${home.paths.settings} has invalid settings: ` +
        'sandbox.memoryMB: unknown field (did you mean memoryMb?); known: cpus, memoryMb, pids, network; ' +
        'defaultModle: unknown field (did you mean defaultModel?); known: providers, defaultModel, rules, budget, sandbox, jobs, prices, mcpServers, modelProfiles, targets; ' +
        'theme: unknown field; known: providers, defaultModel, rules, budget, sandbox, jobs, prices, mcpServers, modelProfiles, targets',
    );
  });

  it('saves a change and reads it back, keeping the other sections', () => {
    writeFileSync(home.paths.settings, JSON.stringify({ defaultModel: 'ollama/llama3.1:8b' }));
    const providers = {
      ...defaults.providers,
      ollama: { host: 'gpu-box:11434' },
      endpoints: [{ name: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1', keySecret: 'endpoint:vllm' }],
    };
    const saved = updateSettings(home.paths, {
      providers,
      rules: [{ tool: 'bash', arg: 'command', pattern: 'ls *', action: 'allow' }],
      budget: { maxSteps: 80, tokens: 200_000 },
      sandbox: { cpus: 4, memoryMb: 8192, pids: 512, network: 'full' },
    });
    const expected = {
      ...defaults,
      defaultModel: 'ollama/llama3.1:8b',
      providers,
      rules: [{ tool: 'bash', arg: 'command', pattern: 'ls *', action: 'allow' }],
      budget: { maxSteps: 80, tokens: 200_000 },
      sandbox: { cpus: 4, memoryMb: 8192, pids: 512, network: 'full' },
    };
    expect(saved).toEqual(expected);
    expect(loadSettings(home.paths)).toEqual(expected);
    expect(JSON.parse(readFileSync(`${home.paths.settings}.bak`, 'utf8'))).toEqual({
      defaultModel: 'ollama/llama3.1:8b',
    });
  });

  it('names the file and the bad field when it is broken, and leaves it as it was', () => {
    const wrongType = '{"prices": {"openai/gpt-4o": {"input": -1, "output": 8}}, "sandbox": {"cpus": "two"}}';
    writeFileSync(home.paths.settings, wrongType);
    const message = `${home.paths.settings} has invalid settings: sandbox.cpus: Invalid input: expected number, received string; prices.openai/gpt-4o.input: Too small: expected number to be >=0`;
    expect(() => loadSettings(home.paths)).toThrow(message);
    expect(() => updateSettings(home.paths, { defaultModel: 'ollama/llama3.1:8b' })).toThrow(message);
    expect(readFileSync(home.paths.settings, 'utf8')).toBe(wrongType);

    writeFileSync(home.paths.settings, '{"prices": ');
    expect(() => loadSettings(home.paths)).toThrow(`${home.paths.settings} is not valid JSON`);
    expect(() => updateSettings(home.paths, { defaultModel: 'ollama/llama3.1:8b' })).toThrow(
      `${home.paths.settings} is not valid JSON`,
    );
    expect(readFileSync(home.paths.settings, 'utf8')).toBe('{"prices": ');
    expect(existsSync(`${home.paths.settings}.bak`)).toBe(false);
  });

  it('refuses a bad change, naming the field, and writes nothing', () => {
    expect(() =>
      updateSettings(home.paths, {
        providers: { ...defaults.providers, endpoints: [{ name: 'ollama', baseUrl: 'ftp://x' }] },
      }),
    ).toThrow(
      'Invalid settings: providers.endpoints.0.name: ollama, anthropic and hf are built-in provider names; pick another; providers.endpoints.0.baseUrl: a URL starting with http:// or https://',
    );
    expect(existsSync(home.paths.settings)).toBe(false);
  });

  it('writes through a temporary file renamed over the old one, leaving nothing behind', () => {
    updateSettings(home.paths, { defaultModel: 'ollama/a:1b' });
    const before = statSync(home.paths.settings).ino;
    updateSettings(home.paths, { defaultModel: 'ollama/b:1b' });
    // A new file took the old one's name; the old file was never opened for writing.
    expect(statSync(home.paths.settings).ino).not.toBe(before);
    expect(
      readdirSync(home.paths.root)
        .filter((name) => name.startsWith('settings'))
        .sort(),
    ).toEqual(['settings.json', 'settings.json.bak']);
    expect(loadSettings(home.paths).defaultModel).toBe('ollama/b:1b');
    expect(JSON.parse(readFileSync(`${home.paths.settings}.bak`, 'utf8')).defaultModel).toBe('ollama/a:1b');
  });
});
