// `npm start` where the install failed or never ran (a checkout with no node_modules): one line saying
// what is wrong and what to run, not a stack trace about a module it could not find.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const scripts = dirname(fileURLToPath(import.meta.url));
const checkout = mkdtempSync(join(tmpdir(), 'looplab-start-'));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

describe('npm start without node_modules', () => {
  it('says in one line that the install is missing and what to run', () => {
    mkdirSync(join(checkout, 'scripts'));
    for (const file of ['start.mjs', 'doctor.mjs', 'electron-native.mjs', 'node-version.mjs'])
      copyFileSync(join(scripts, file), join(checkout, 'scripts', file));
    copyFileSync(join(scripts, '..', 'package.json'), join(checkout, 'package.json'));
    const result = spawnSync(process.execPath, [join(checkout, 'scripts', 'start.mjs')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toBe(
      `looplab: node_modules is missing or incomplete (no better-sqlite3, commander, esbuild, react, tsx, vite, zod): run \`npm install\` in ${checkout} first.\n`,
    );
  });
});
