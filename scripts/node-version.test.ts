import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, oldNode } from './node-version.mjs';

describe('the Node.js version npm start accepts', () => {
  it('refuses a line older than package.json names, saying what to install', () => {
    expect(oldNode('20.19.2')).toBe(
      'Node.js 20.19.2 is too old: Looplab needs 22.12 or newer (24 LTS recommended). Install it from https://nodejs.org or your package manager, then run `npm install` again.',
    );
    expect(oldNode('22.11.0')).toContain('too old');
  });

  it('accepts the minimum and newer lines', () => {
    expect(oldNode('22.12.0')).toBeUndefined();
    expect(oldNode('24.22.3')).toBeUndefined();
    expect(oldNode('26.0.0')).toBeUndefined();
  });

  it('matches the engines field of package.json', () => {
    const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
    expect(engines).toBe(`>=${MIN_NODE}`);
  });
});
