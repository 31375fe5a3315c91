// The `looplab` command's start-up: compiling the TypeScript sources with tsx at every start cost about
// 1.7 s, so the CLI runs from one bundle built with esbuild and cached under out/cli. The
// bundle's folder is named by a fingerprint of every source file (path, size, mtime), so an edited source
// gets a new bundle on the next start and a stale one is never run. The first start after an install or
// an edit builds it (about half a second); a build that cannot be made falls back to tsx.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Bumped when the way the bundle is built changes, so bundles of the old recipe are not reused. */
const RECIPE = 1;
const SOURCE_DIRS = ['src/main', 'src/shared'];
const ENTRY = 'src/main/cli/main.ts';

/** @param {string} dir @param {string[]} out */
function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (/\.(ts|tsx|json|txt)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
}

/**
 * A hash of what the bundle is made from: each source's path, size and modification time, and the
 * package manifest (dependencies decide what stays external).
 * @param {string} root
 */
export function sourceFingerprint(root) {
  const files = [join(root, 'package.json')];
  for (const dir of SOURCE_DIRS) walk(join(root, dir), files);
  const hash = createHash('sha256').update(`recipe ${RECIPE} node ${process.versions.node}\n`);
  for (const file of files.sort()) {
    const stat = statSync(file);
    hash.update(`${relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 20);
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
  const { build } = await import('esbuild');
  const temp = join(cache, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  mkdirSync(temp, { recursive: true });
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { main: ENTRY },
      outdir: temp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
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
