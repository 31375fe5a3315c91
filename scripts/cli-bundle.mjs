// The `looplab` command's start-up: compiling the TypeScript sources with tsx at every start cost about
// 1.7 s, so the CLI runs from a bundle built with esbuild and cached under out/cli. The
// bundle's folder is named by a fingerprint of every source file (path, size, mtime) and of the packages
// built into it (their versions), so an edited source or an updated package gets a new bundle on the next
// start and a stale one is never run. The first start after an install or an edit builds it (about half
// a second); a build that cannot be made falls back to tsx. The bundle is split: each command's module
// is a chunk of its own, loaded when that command runs, so a command loads only what it uses.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bumped when the way the bundle is built changes, so bundles of the old recipe are not reused. */
const RECIPE = 3;
const SOURCE_DIRS = ['src/main', 'src/shared'];
/** Files outside those folders that the bundle is made from (`looplab serve` builds the UI with the config). */
const ROOT_FILES = ['package.json', 'electron.vite.config.ts'];
const ENTRY = 'src/main/cli/main.ts';
/**
 * Packages built into the bundle rather than loaded from node_modules: pure JavaScript that every command
 * loads, where one chunk reads faster than the hundred modules zod is made of. The rest stay external
 * (native modules, and SDKs loaded only by the commands that use them).
 */
const INLINE = ['zod', 'commander'];
/** Chunks are ES modules; a bundled CommonJS package (commander) requires Node's modules through this. */
const BANNER =
  "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);";

/** @param {string} dir @param {string[]} out */
function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Joined by hand: path.join's normalising was a tenth of the check's time, and these need none.
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(path, out);
    else if (/\.(ts|tsx|json|txt)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
}

/**
 * Where an inlined package is installed and its version, as the bundle would be built now ('absent' when
 * it is not installed). npm gives every installed file the same modification time, so the version says
 * whether it changed.
 * @param {string} root @param {string} name
 */
function installedPackage(root, name) {
  // Where Node and esbuild look for it: node_modules of the root, else of a folder above.
  for (let dir = root; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return `${manifest} ${JSON.parse(readFileSync(manifest, 'utf8')).version}`;
    if (dirname(dir) === dir) return 'absent';
  }
}

/**
 * A hash of what the bundle is made from: each source's path, size and modification time (the package
 * manifest among them: dependencies decide what stays external), and the inlined packages' versions.
 * @param {string} root
 */
export function sourceFingerprint(root) {
  const files = ROOT_FILES.map((file) => join(root, file)).filter((file) => existsSync(file));
  for (const dir of SOURCE_DIRS) walk(join(root, dir), files);
  const hash = createHash('sha256').update(`recipe ${RECIPE} node ${process.versions.node}\n`);
  for (const file of files.sort()) {
    const stat = statSync(file);
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  for (const name of INLINE) hash.update(`package ${name} ${installedPackage(root, name)}\n`);
  return hash.digest('hex').slice(0, 20);
}

/**
 * zod re-exports every one of its error-message locales (about 40 languages, a third of the zod the
 * bundle carries) for `z.locales`, which Looplab never reads; its messages are English (`z.config(en())`,
 * which zod imports by itself). The bundle gets only English, which a start then need not parse.
 * @type {import('esbuild').Plugin}
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** Every package import stays external but those of INLINE. @type {import('esbuild').Plugin} */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return INLINE.includes(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * Builds the CLI's chunks from `entries` into `outdir`: ES modules, each command's module a chunk of its
 * own, the packages of INLINE built in and the others imported from node_modules.
 * @param {string} root @param {Record<string, string>} entries @param {string} outdir
 * @param {{ target: string; sourcemap: boolean | 'linked' }} options
 */
async function bundle(root, entries, outdir, { target, sourcemap }) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target,
    plugins: [englishOnlyZod, externalPackages],
    banner: { js: BANNER },
    sourcemap,
    logLevel: 'silent',
  });
}

/** Where `npm run build` puts the CLI the packaged app carries (electron-builder.yml ships out/). */
export const DIST_DIR = 'out/cli-dist';
/** Electron's Node runs the packaged CLI (ELECTRON_RUN_AS_NODE); Electron 40 carries Node 24. */
const DIST_TARGET = 'node22';

/**
 * The CLI for the packaged app: out/cli-dist/main.mjs runs `looplab` with the process's arguments. Made
 * once at build time (no esbuild or tsx in the app), its packages imported from the app's node_modules.
 * @param {string} root @param {string} [outdir] default: out/cli-dist of root
 * @returns {Promise<string>} the entry's path
 */
export async function buildDistBundle(root, outdir = join(root, DIST_DIR)) {
  rmSync(outdir, { recursive: true, force: true });
  await bundle(root, { main: 'bin/packaged.mjs' }, outdir, { target: DIST_TARGET, sourcemap: false });
  return join(outdir, 'main.mjs');
}

/** @param {string} root */
export function bundleCache(root) {
  return process.env.LOOPLAB_CLI_CACHE || join(root, 'out', 'cli');
}

/**
 * The entry of a bundle built from the sources as they are now: the cached one, or one built now. Two
 * processes starting at once may both build; each writes its own folder and renames it into place.
 * @param {string} root
 * @returns {Promise<string>}
 */
export async function freshBundle(root) {
  const cache = bundleCache(root);
  const name = `cli-${sourceFingerprint(root)}`;
  const entry = join(cache, name, 'main.mjs');
  if (existsSync(entry)) return entry;
  const temp = join(cache, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  mkdirSync(temp, { recursive: true });
  try {
    await bundle(root, { main: ENTRY }, temp, {
      target: `node${process.versions.node.split('.')[0]}`,
      sourcemap: 'linked',
    });
    try {
      renameSync(temp, join(cache, name));
    } catch (error) {
      // Another start put the same bundle in place first.
      if (!existsSync(entry)) throw error;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  removeOthers(cache, name);
  return entry;
}

/**
 * Older bundles go once a newer one is in place, when they are an hour old: a process started from one
 * loads its chunks at start, so a bundle that old is no longer being loaded from.
 * @param {string} cache @param {string} keep
 */
function removeOthers(cache, keep) {
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of readdirSync(cache)) {
    if (entry === keep || !entry.startsWith('cli-')) continue;
    const path = join(cache, entry);
    if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
  }
}

// `node scripts/cli-bundle.mjs --dist [outdir]`: the packaged app's CLI, made by `npm run build`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] !== '--dist') {
    console.error('usage: node scripts/cli-bundle.mjs --dist [outdir]');
    process.exit(2);
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const entry = await buildDistBundle(root, process.argv[3] === undefined ? undefined : resolve(process.argv[3]));
  console.log(`Built the CLI for the packaged app: ${entry}`);
}
