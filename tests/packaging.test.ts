// What `npm run dist` ships, checked without downloading Electron: a real `electron-vite build` and the
// CLI's dist bundle are made into a scratch copy of the project, and electron-builder.yml's `files`,
// `extraResources` and `asarUnpack` are applied to it by app-builder-lib's own file-matching code (the
// matchers `electron-builder` makes from the same config, its walk and its filters). The production
// packages are those `npm ls --omit dev` lists, which is how electron-builder collects them with npm.
// Then the `looplab` launcher runs the shipped CLI in a mock install, with a stand-in for the Electron binary.
import { execFile } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(import.meta.url);

type Filter = (file: string, stat: ReturnType<typeof lstatSync>) => boolean;
interface Matcher {
  from: string;
  to: string;
  patterns: string[];
  isEmpty(): boolean;
  containsOnlyIgnore(): boolean;
  prependPattern(pattern: string): void;
  createFilter(): Filter;
}
interface FileMatcherModule {
  getMainFileMatchers(...args: unknown[]): Matcher[];
  getFileMatchers(config: unknown, name: string, destination: string, options: unknown): Matcher[] | null;
  getNodeModuleFileMatcher(...args: unknown[]): Matcher;
}
const matching = require('app-builder-lib/out/fileMatcher') as FileMatcherModule;
const { walk } = require('builder-util') as { walk(dir: string, filter: Filter): Promise<string[]> };

/** Tools of a checkout that must never be in the installed app. */
const DEV_TOOLS = [
  'tsx',
  'esbuild',
  '@esbuild/linux-x64',
  'vite',
  'vitest',
  'typescript',
  'eslint',
  'electron',
  'electron-vite',
  'electron-builder',
  'app-builder-lib',
  'prettier',
];

let project: string;
let config: Record<string, unknown>;
/** Paths inside app.asar (with those asarUnpack moves beside it), relative, `/`-separated. */
let appFiles: string[];
/** Paths under the app's resources folder that extraResources adds. */
let resourceFiles: string[];
let unpacked: (file: string) => boolean;
let productionPackages: string[];
let shipsPackage: (name: string) => boolean;

const APP = '/app';
const RESOURCES = '/resources-dir';
const identity = (text: string) => text;
const toPosix = (path: string) => path.split(sep).join('/');

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'looplab-packaging-'));
  for (const file of ['package.json', 'electron-builder.yml']) cpSync(join(root, file), join(project, file));
  cpSync(join(root, 'resources'), join(project, 'resources'), { recursive: true });
  // What a checkout also has beside out/, for the `files` exclusions to be tried on.
  for (const dir of ['src', 'tests', 'bench', 'scripts'])
    cpSync(join(root, dir), join(project, dir), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'));
  await run(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', join(project, 'out')],
    { cwd: root, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
  );
  // As `npm run build` makes it.
  await run(process.execPath, [join(root, 'scripts/cli-bundle.mjs'), '--dist', join(project, 'out', 'cli-dist')]);
  // A checkout's cached CLI bundle (bin/looplab.mjs), which must not ship beside the dist one.
  mkdirSync(join(project, 'out', 'cli', 'cli-cached'), { recursive: true });
  writeFileSync(join(project, 'out', 'cli', 'cli-cached', 'main.mjs'), '');

  config = parse(readFileSync(join(project, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  expect(JSON.stringify(config)).not.toContain('${');
  const info = {
    projectDir: project,
    buildResourcesDir: 'build',
    isPrepackedAppAsar: false,
    config,
    debugLogger: { isEnabled: false },
  };
  const options = {
    macroExpander: identity,
    customBuildOptions: {},
    globalOutDir: join(project, 'dist'),
    defaultSrc: project,
  };

  const [main] = matching.getMainFileMatchers(project, APP, identity, {}, { info }, join(project, 'dist'), false);
  appFiles = (await walk(project, main!.createFilter()))
    .filter((file) => !statSync(file).isDirectory())
    .map((file) => toPosix(relative(project, file)));

  const [resources] = matching.getFileMatchers(config, 'extraResources', RESOURCES, options)!;
  // As copyFiles does for a folder given without patterns.
  if (resources!.isEmpty() || resources!.containsOnlyIgnore()) resources!.prependPattern('**/*');
  resourceFiles = (await walk(resources!.from, resources!.createFilter()))
    .filter((file) => !statSync(file).isDirectory())
    .map((file) => toPosix(join(relative(RESOURCES, resources!.to), relative(resources!.from, file))));

  const unpack = matching.getFileMatchers(config, 'asarUnpack', APP, options)![0]!.createFilter();
  unpacked = (file) =>
    unpack(join(APP, file), Object.assign(lstatSync(join(project, file)), { moduleFullFilePath: file }));

  // npm exits non-zero on problems it only warns of (an extraneous package); the list is printed all the same.
  const { stdout } = await run('npm', ['ls', '--omit', 'dev', '--all', '--parseable'], {
    // Where node_modules really is (a worktree may link it from another checkout).
    cwd: dirname(realpathSync(join(root, 'node_modules'))),
    maxBuffer: 1 << 26,
  }).catch((error: unknown) => ({ stdout: (error as { stdout?: string }).stdout ?? '' }));
  expect(stdout).toContain(`${sep}dockerode`);
  productionPackages = [
    ...new Set(
      stdout
        .split('\n')
        .filter((line) => line.includes(`${sep}node_modules${sep}`))
        .map((line) => toPosix(line.slice(line.lastIndexOf(`node_modules${sep}`) + 'node_modules/'.length))),
    ),
  ];
  // A package ships when its files pass the node-module matcher (paths as electron-builder gives them).
  const modules = matching.getNodeModuleFileMatcher(project, APP, identity, {}, info).createFilter();
  shipsPackage = (name) => {
    if (!productionPackages.includes(name)) return false;
    const file = `node_modules/${name}/package.json`;
    return modules(join(APP, file), Object.assign(lstatSync(join(root, file)), { moduleFullFilePath: file }));
  };
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

/** The bare package names the CLI bundle's chunks import, by chunk. */
function bundleImports(): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const file of appFiles.filter((path) => path.startsWith('out/cli-dist/'))) {
    const source = readFileSync(join(project, file), 'utf8');
    // A package name has no spaces or line breaks: "from " inside a string or a comment is no import.
    for (const match of source.matchAll(/(?:from|import\()\s*["']([^"'./\s][^"'\s]*)["']/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
      imports.set(name, [...(imports.get(name) ?? []), file]);
    }
  }
  return imports;
}

describe('what electron-builder ships', () => {
  it('carries the built app and the CLI bundle in app.asar, and no sources, tests or bench', () => {
    for (const file of ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'])
      expect(appFiles).toContain(file);
    expect(appFiles).toContain('out/cli-dist/main.mjs');
    expect(appFiles.filter((file) => file.startsWith('out/cli-dist/')).length).toBeGreaterThan(10);
    expect(unpacked('out/cli-dist/main.mjs')).toBe(false);
    const strays = appFiles.filter(
      (file) =>
        /^(src|tests|bench|scripts|docs|bin|resources|node_modules|out\/cli)\//.test(file) || file.endsWith('.ts'),
    );
    expect(strays).toEqual([]);
  });

  it('builds the CLI bundle as part of `npm run build`, which `npm run dist` runs first', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.build).toMatch(/electron-vite build && node scripts\/cli-bundle\.mjs --dist/);
    expect(scripts.dist).toMatch(/^npm run build && electron-builder/);
  });

  it('gives the CLI every package it imports, but the UI build tools only `looplab serve` from sources loads', () => {
    const imports = bundleImports();
    const missing = [...imports.keys()].filter((name) => !shipsPackage(name));
    // Vite and the renderer's build config: `looplab serve` loads them only when the UI must be built from
    // sources (a checkout); the packaged app has out/renderer and no sources.
    expect(missing.sort()).toEqual(['@vitejs/plugin-react', 'electron-vite', 'vite']);
    for (const name of missing)
      expect(imports.get(name)!.every((file) => /\/(serve|electron\.vite\.config)-[\w-]+\.mjs$/.test(file))).toBe(true);
    expect(imports.has('tsx')).toBe(false);
    expect(imports.has('esbuild')).toBe(false);
  });

  it('ships no development tools among the node modules, and better-sqlite3 unpacked from the archive', () => {
    expect(DEV_TOOLS.filter((name) => shipsPackage(name))).toEqual([]);
    // tsx is a production dependency (the checkout's fallback); the files patterns keep it out.
    expect(productionPackages).toContain('tsx');
    for (const name of ['dockerode', 'better-sqlite3', 'zod', 'commander', 'yaml'])
      expect(shipsPackage(name)).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/package.json')).toBe(true);
  });

  it('adds the sandbox, starters, example and the looplab launchers as extra resources', () => {
    for (const file of [
      'resources/sandbox/agent.py',
      'resources/sandbox/Dockerfile',
      'resources/sandbox/Dockerfile.offline',
      'resources/sandbox/Dockerfile.cuda',
      'resources/starters/README.md',
      'resources/examples/text-classifier.looplab',
      'resources/bin/looplab',
      'resources/bin/looplab.cmd',
    ])
      expect(resourceFiles).toContain(file);
    expect(resourceFiles.some((file) => file.startsWith('resources/starters/text-classifier/'))).toBe(true);
    expect(statSync(join(root, 'resources/bin/looplab')).mode & 0o111).not.toBe(0);
  });
});

describe('the looplab launcher of an installed app', () => {
  it('runs the shipped CLI with the app binary as Node, through a link on the PATH', async () => {
    // Linux's layout: <install>/looplab beside <install>/resources/{app.asar,resources}. The stand-in binary
    // acts as Node only when asked to, as Electron does with ELECTRON_RUN_AS_NODE=1; app.asar is a folder.
    const install = join(project, 'install');
    const asar = join(install, 'resources', 'app.asar');
    mkdirSync(asar, { recursive: true });
    writeFileSync(
      join(install, 'looplab'),
      `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "opened the window" >&2; exit 3; }\nexec "${process.execPath}" "$@"\n`,
      { mode: 0o755 },
    );
    for (const file of appFiles.filter((path) => path.startsWith('out/cli-dist/')).concat('package.json'))
      cpSync(join(project, file), join(asar, file), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(asar, 'node_modules'));
    cpSync(join(project, 'resources'), join(install, 'resources', 'resources'), { recursive: true });
    const path = join(project, 'path');
    mkdirSync(path);
    symlinkSync(join(install, 'resources', 'resources', 'bin', 'looplab'), join(path, 'looplab-cli'));

    const home = join(project, 'home');
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: undefined, LOOPLAB_HOME: home };
    const version = await run(join(path, 'looplab-cli'), ['--version'], { env });
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    );
    const specs = await run(join(path, 'looplab-cli'), ['spec', 'list'], { env });
    // The starters are found beside the sandbox resources of the install.
    expect(specs.stdout).toContain('text-classifier');
  });
});
