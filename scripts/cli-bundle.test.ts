// The CLI's bundle: built on the first start, reused while the sources are unchanged, and never used once
// a source changed (a new bundle is built from the edit). Proven on a small project of its own, built
// with the real esbuild, and on this checkout through bin/looplab.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshBundle, sourceFingerprint } from './cli-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function project(answer: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-bundle-'));
  temps.push(dir);
  mkdirSync(join(dir, 'src', 'main', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'src', 'shared'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'looplab', type: 'module' }));
  writeFileSync(join(dir, 'src', 'shared', 'answer.ts'), `export const answer = '${answer}';\n`);
  writeFileSync(
    join(dir, 'src', 'main', 'cli', 'main.ts'),
    "import { answer } from '../../shared/answer';\nexport async function main(): Promise<string> { return answer; }\n",
  );
  return dir;
}

async function runBundle(entry: string): Promise<string> {
  const module = (await import(`${pathToFileURL(entry).href}?t=${Date.now()}`)) as { main(): Promise<string> };
  return module.main();
}

describe('the CLI bundle', () => {
  it('is built once, reused while nothing changed, and rebuilt from an edited source', async () => {
    const dir = project('first');
    const first = await freshBundle(dir);
    expect(await runBundle(first)).toBe('first');
    expect(await freshBundle(dir)).toBe(first);

    const shared = join(dir, 'src', 'shared', 'answer.ts');
    writeFileSync(shared, "export const answer = 'edited';\n");
    const later = new Date(Date.now() + 5_000);
    utimesSync(shared, later, later);
    const second = await freshBundle(dir);
    expect(second).not.toBe(first);
    expect(await runBundle(second)).toBe('edited');
  });

  it('changes its fingerprint with any source, the UI build config included, but not with a test file', () => {
    const dir = project('x');
    const before = sourceFingerprint(dir);
    writeFileSync(join(dir, 'src', 'main', 'cli', 'main.test.ts'), 'export {};\n');
    expect(sourceFingerprint(dir)).toBe(before);
    writeFileSync(join(dir, 'src', 'main', 'extra.ts'), 'export {};\n');
    const added = sourceFingerprint(dir);
    expect(added).not.toBe(before);
    // The UI's build config is bundled too: `looplab serve` builds the UI with it.
    writeFileSync(join(dir, 'electron.vite.config.ts'), 'export {};\n');
    expect(sourceFingerprint(dir)).not.toBe(added);
  });

  it('changes its fingerprint when a package built into it is installed or updated', () => {
    const dir = project('x');
    const before = sourceFingerprint(dir);
    const zod = join(dir, 'node_modules', 'zod');
    mkdirSync(zod, { recursive: true });
    writeFileSync(join(zod, 'package.json'), JSON.stringify({ name: 'zod', version: '4.0.0' }));
    const installed = sourceFingerprint(dir);
    expect(installed).not.toBe(before);
    // npm gives installed files one fixed modification time: the version is what tells an update.
    const stamp = new Date('1985-10-26T08:15:00Z');
    utimesSync(join(zod, 'package.json'), stamp, stamp);
    writeFileSync(join(zod, 'package.json'), JSON.stringify({ name: 'zod', version: '4.0.1' }));
    utimesSync(join(zod, 'package.json'), stamp, stamp);
    expect(sourceFingerprint(dir)).not.toBe(installed);
  });

  it('runs looplab from this checkout through its bundle', () => {
    const { result, bundles } = versionFromCheckout();
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(bundles).toHaveLength(1);
  });

  it('loads at every start only what every command needs: English zod, no models, secrets or sandbox', () => {
    const { result, bundles } = versionFromCheckout();
    expect(result.stderr).toBe('');
    const bundle = bundles[0]!;
    const sources = staticSources(bundle, 'main.mjs');
    // zod's list of locales is replaced by one that names English alone (the plugin's module, `zod-locales:`).
    const locales = sources.filter(
      (source) => source.includes('zod/v4/locales/') && !source.startsWith('zod-locales:'),
    );
    expect(locales).toEqual([expect.stringMatching(/zod\/v4\/locales\/en\.js$/)]);
    const ours = sources.filter((source) => source.includes('src/main/'));
    for (const heavy of ['runs/readiness.ts', 'settings/secret-store.ts', 'providers/', 'sandbox/container-spec.ts'])
      expect(ours.filter((source) => source.includes(heavy))).toEqual([]);
  });
});

/** `looplab --version` from this checkout, its bundle built afresh; the bundle folders it made. */
function versionFromCheckout() {
  // Inside the checkout, as the default out/cli is, so that the bundle finds node_modules.
  mkdirSync(join(root, 'out'), { recursive: true });
  const cache = mkdtempSync(join(root, 'out', 'cli-test-'));
  temps.push(cache);
  const env = { ...process.env, LOOPLAB_CLI_CACHE: cache, LOOPLAB_DEBUG: '1' };
  const result = spawnSync(process.execPath, [join(root, 'bin', 'looplab.mjs'), '--version'], {
    env,
    encoding: 'utf8',
  });
  const bundles = readdirSync(cache)
    .filter((name) => name.startsWith('cli-'))
    .map((name) => join(cache, name));
  return { result, bundles };
}

/** The source files (from the chunks' source maps) of a chunk and every chunk it imports statically. */
function staticSources(dir: string, chunk: string, seen = new Set<string>()): string[] {
  if (seen.has(chunk)) return [];
  seen.add(chunk);
  const code = readFileSync(join(dir, chunk), 'utf8');
  const map = JSON.parse(readFileSync(join(dir, `${chunk}.map`), 'utf8')) as { sources: string[] };
  const imported = [...code.matchAll(/^import\s+(?:[^"']*?from\s+)?["']\.\/([^"']+)["'];/gm)].map((match) => match[1]!);
  return [...map.sources, ...imported.flatMap((next) => staticSources(dir, next, seen))];
}
