import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../../tests/helpers/temp-home';
import { loadSettings } from './settings';

let home: TempHome;
beforeEach(() => (home = makeTempHome()));
afterEach(() => home.remove());

describe('settings', () => {
  it('defaults when there is no file, and reads price overrides', () => {
    expect(loadSettings(home.paths)).toEqual({ prices: {} });
    writeFileSync(
      home.paths.settings,
      JSON.stringify({ prices: { 'openai/gpt-4o': { input: 2, output: 8 } }, theme: 'dark' }),
    );
    expect(loadSettings(home.paths)).toEqual({ prices: { 'openai/gpt-4o': { input: 2, output: 8 } }, theme: 'dark' });
  });

  it('names the file and the bad field when it is broken, and leaves it as it was', () => {
    writeFileSync(home.paths.settings, '{"prices": {"openai/gpt-4o": {"input": -1, "output": 8}}}');
    expect(() => loadSettings(home.paths)).toThrow(
      `${home.paths.settings} has invalid settings: prices.openai/gpt-4o.input: Too small: expected number to be >=0`,
    );
    writeFileSync(home.paths.settings, '{"prices": ');
    expect(() => loadSettings(home.paths)).toThrow(`${home.paths.settings} is not valid JSON`);
  });
});
