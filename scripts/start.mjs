// What `npm start` runs (README: `npm install && npm start`).
//
// Electron needs its own build of better-sqlite3 (its own ABI) while `npm test` keeps Node's in
// node_modules, so `electron .` alone is not enough: this prints what the machine offers (Docker, Ollama),
// builds the Electron copy of better-sqlite3 once per Electron version, builds the app, and starts Electron
// with LOOPLAB_SQLITE_BINDING pointing at that copy. When Electron's binary is missing (installs with
// ELECTRON_SKIP_BINARY_DOWNLOAD) or the native build fails, it opens the same UI in the browser instead
// (`looplab serve --open`), so the first command always ends with something usable.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDoctor } from './doctor.mjs';
import { oldNode } from './node-version.mjs';
import { ensureElectronSqlite, installedElectronVersion } from './electron-native.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `Usage: npm start  (node scripts/start.mjs [--help])

Starts the Looplab desktop app from this checkout:
  1. prints whether a Docker engine (sandbox for runs) and an Ollama server (local models) answer;
  2. builds better-sqlite3 for Electron once per Electron version, into .electron-native/
     (node_modules keeps Node's build, for npm test);
  3. builds the app (electron-vite build) and starts Electron with LOOPLAB_SQLITE_BINDING set to that build.
If Electron's binary is not installed, or better-sqlite3 cannot be built for it, it runs
\`looplab serve --open\` instead: the same UI in your browser.

Environment: OLLAMA_HOST, DOCKER_HOST (checked as Ollama and Docker read them).`;

/** @param {string} line */
const say = (line) => console.log(`looplab: ${line}`);

/**
 * The packages the app cannot start without, checked before anything else so that an install that
 * failed or never ran is one clear line, not a stack trace about a module deep inside.
 * @param {string} root
 */
function missingPackages(root) {
  const needed = ['better-sqlite3', 'commander', 'esbuild', 'react', 'tsx', 'vite', 'zod'];
  return needed.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
}

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const missing = missingPackages(ROOT);
  if (missing.length > 0) {
    say(`node_modules is missing or incomplete (no ${missing.join(', ')}): run \`npm install\` in ${ROOT} first.`);
    return 1;
  }
  const tooOld = oldNode(process.versions.node);
  if (tooOld) {
    say(tooOld);
    return 1;
  }
  for (const line of await runDoctor()) say(line);

  const electron = await findElectronBinary();
  if (!electron.ok) {
    say(electron.reason);
    return openInBrowser();
  }
  let binding;
  try {
    binding = await ensureElectronSqlite({ root: ROOT, electronVersion: installedElectronVersion(ROOT), log: say });
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    say('The desktop window needs that binary; opening the browser UI instead.');
    return openInBrowser();
  }
  const built = await buildApp();
  if (built !== 0) return built;
  return runChild(electron.path, ['.'], { ...withoutElectronAsNode(process.env), LOOPLAB_SQLITE_BINDING: binding });
}

/**
 * The Electron executable, as the electron package reports it. Importing the package throws when its
 * postinstall never downloaded the binary (path.txt is missing).
 * @returns {Promise<{ ok: true, path: string } | { ok: false, reason: string }>}
 */
async function findElectronBinary() {
  const reason =
    "Electron's binary is not installed (its download failed or was skipped): run " +
    '`node scripts/fetch-electron.mjs` to fetch it.';
  try {
    const path = /** @type {unknown} */ ((await import('electron')).default);
    if (typeof path === 'string' && existsSync(path)) return { ok: true, path };
    return { ok: false, reason };
  } catch {
    return { ok: false, reason };
  }
}

/** Builds main, preload and renderer into out/. */
async function buildApp() {
  say('Building the app (electron-vite build)...');
  const cli = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  if (!existsSync(cli)) {
    say('node_modules/electron-vite is missing: run `npm install` first.');
    return 1;
  }
  const code = await runChild(process.execPath, [cli, 'build'], process.env);
  if (code !== 0) say(`electron-vite build failed (exit ${code}); the errors are above.`);
  return code;
}

/** The fallback: the same UI served to the browser by `looplab serve`. */
async function openInBrowser() {
  const cli = join(ROOT, 'bin', 'looplab.mjs');
  if (!existsSync(cli)) {
    say('The browser UI is not available either: bin/looplab.mjs is missing from this checkout.');
    return 1;
  }
  say('Starting the browser UI: `looplab serve --open` (Ctrl+C stops it).');
  return runChild(process.execPath, [cli, 'serve', '--open'], process.env);
}

/**
 * Runs a command with this terminal, forwards Ctrl+C and SIGTERM, and resolves with its exit code.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<number>}
 */
function runChild(command, args, env) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    /** @param {NodeJS.Signals} signal */
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (/** @type {number} */ code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(code);
    };
    child.on('error', (error) => {
      say(`could not start ${command}: ${error.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
  });
}

/**
 * With ELECTRON_RUN_AS_NODE set, Electron would run as plain Node instead of opening a window.
 * @param {NodeJS.ProcessEnv} env
 */
function withoutElectronAsNode(env) {
  const { ELECTRON_RUN_AS_NODE: _ignored, ...rest } = env;
  return rest;
}

process.exitCode = await main();
