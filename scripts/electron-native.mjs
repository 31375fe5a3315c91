// better-sqlite3 for Electron, kept apart from the one `npm test` uses.
//
// A native module is built for one ABI: node_modules/better-sqlite3/build/Release/better_sqlite3.node serves
// Node (tests, CLI); Electron 40 needs ABI 143. Rebuilding node_modules in place would break whichever side
// ran second, so this builds a second copy under .electron-native/electron-<version>-<platform>-<arch>/ that
// the app loads with `new Database(file, { nativeBinding })` (path passed as LOOPLAB_SQLITE_BINDING).
//
// How: copy the package (without build/) to a temp dir, try the prebuilt binary better-sqlite3 publishes for
// Electron (prebuild-install, GitHub releases), else compile it against Electron's headers (node-gyp,
// electronjs.org). The result is only accepted if plain Node refuses it for the right NODE_MODULE_VERSION:
// `nodedir` in ~/.npmrc (npm exports it to scripts as npm_config_nodedir) silently makes node-gyp use Node's
// headers, and such a binary would crash the app at its first query instead of here.
//
// CLI: `node scripts/electron-native.mjs [electron-version]` prints the binary's path.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Time for the steps that only download (prebuilt binary, Electron's headers), together. */
const DOWNLOAD_BUDGET_MS = 120_000;
/** Time for compiling once the headers are there: sqlite3.c alone takes about a minute on two cores. */
const COMPILE_TIMEOUT_MS = 600_000;
const HEADERS_URL = 'https://electronjs.org/headers';
/** Used when node-abi is not installed. */
const ELECTRON_ABI = { 36: '135', 37: '136', 38: '139', 39: '140', 40: '143', 41: '145', 42: '146' };
/** npm settings node-gyp and prebuild-install may keep: the network ones. Every other npm_config_* goes. */
const KEPT_NPM_SETTINGS = new Set(['proxy', 'https_proxy', 'http_proxy', 'noproxy', 'no_proxy', 'cafile', 'ca']);
const NETWORK_ERROR =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|network connectivity|socket hang up|certificate/i;
/** node-gyp spawns nothing (gyp, then make or msbuild) until Electron's headers are in place. */
const COMPILING = /gyp info spawn /;
const MISSING_PYTHON = /Could not find any Python|gyp ERR! find Python/i;
const MISSING_COMPILER =
  /not found: (make|g\+\+|cc|c\+\+)|(make|g\+\+|cc|c\+\+): (command )?not found|could not find any Visual Studio|xcrun: error/i;

export class NativeBuildError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'NativeBuildError';
  }
}

/**
 * @typedef {(line: string) => void} Log
 * @typedef {{ ok: boolean, output: string, timedOut: boolean }} StepResult
 */

/**
 * Returns the absolute path of better_sqlite3.node built for this Electron version, building it when missing.
 * headersUrl: where node-gyp downloads Electron's headers (a mirror, or a local server in a test).
 * @param {{ root: string, electronVersion: string, log?: Log, headersUrl?: string }} options
 * @returns {Promise<string>}
 */
export async function ensureElectronSqlite({ root, electronVersion, log = () => {}, headersUrl = HEADERS_URL }) {
  const abi = electronAbi(electronVersion, root);
  const target = electronBindingPath({ root, electronVersion });
  if (existsSync(target)) {
    try {
      verifyElectronBinding(target, abi);
      return target;
    } catch (error) {
      log(`${messageOf(error)} Rebuilding it.`);
      rmSync(target, { force: true });
    }
  }
  log(`Building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}); this happens once per version.`);
  const built = await buildInTempCopy({ root, electronVersion, abi, log, headersUrl });
  mkdirSync(dirname(target), { recursive: true });
  // Copy then rename, so a second `npm start` never sees half a file.
  const partial = `${target}.${process.pid}.partial`;
  copyFileSync(built.file, partial);
  built.cleanup();
  renameSync(partial, target);
  log(`Built ${relative(root, target)}`);
  return target;
}

/**
 * Where the binary for one Electron version lives.
 * @param {{ root: string, electronVersion: string, platform?: string, arch?: string }} options
 */
export function electronBindingPath({ root, electronVersion, platform = process.platform, arch = process.arch }) {
  const folder = `electron-${electronVersion}-${platform}-${arch}`;
  return resolve(root, '.electron-native', folder, 'better_sqlite3.node');
}

/**
 * Electron's NODE_MODULE_VERSION: from node-abi when installed, else from the table above.
 * @param {string} electronVersion
 * @param {string} root
 * @returns {string}
 */
export function electronAbi(electronVersion, root) {
  for (const base of [join(root, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      return String(createRequire(base)('node-abi').getAbi(electronVersion, 'electron'));
    } catch {
      // Not installed there, or too old to know this version: try the next way.
    }
  }
  const abi = ELECTRON_ABI[/** @type {keyof typeof ELECTRON_ABI} */ (Number(electronVersion.split('.')[0]))];
  if (abi) return abi;
  throw new NativeBuildError(
    `Unknown ABI for Electron ${electronVersion}: update node-abi (\`npm update node-abi\`) or this script's table.`,
  );
}

/**
 * Checks that a binary was built for the expected ABI by loading it in a plain Node child process: Node must
 * refuse it with "compiled against ... NODE_MODULE_VERSION <abi>". Throws NativeBuildError otherwise. Never
 * deletes the file: the caller decides.
 * @param {string} file
 * @param {string} abi
 */
export function verifyElectronBinding(file, abi) {
  const probe =
    'try { process.dlopen({ exports: {} }, process.argv[1]); console.log(JSON.stringify({ loaded: true })) }' +
    ' catch (e) { console.log(JSON.stringify({ loaded: false, error: String(e && e.message) })) }';
  const result = spawnSync(process.execPath, ['-e', probe, file], {
    encoding: 'utf8',
    timeout: 30_000,
    env: withoutElectronAsNode(process.env),
  });
  const lastLine = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  /** @type {{ loaded?: boolean, error?: string }} */
  const outcome = lastLine.startsWith('{') ? JSON.parse(lastLine) : {};
  const nodeAbi = process.versions.modules;
  if (outcome.loaded) {
    if (nodeAbi === abi) return;
    throw new NativeBuildError(
      `${file} was built for Node (it loads in Node ${process.version}, NODE_MODULE_VERSION ${nodeAbi}), not for ` +
        `Electron (NODE_MODULE_VERSION ${abi}). node-gyp used Node's headers: is \`nodedir\` set in ~/.npmrc or ` +
        'npm_config_nodedir in the environment?',
    );
  }
  const compiledFor = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(
    outcome.error ?? '',
  )?.[1];
  if (compiledFor === abi) return;
  if (compiledFor) {
    throw new NativeBuildError(
      `${file} was built for NODE_MODULE_VERSION ${compiledFor}, but Electron needs NODE_MODULE_VERSION ${abi}.`,
    );
  }
  const reason =
    outcome.error?.split('\n')[0] ?? result.error?.message ?? ((result.stderr ?? '').trim() || 'no output');
  throw new NativeBuildError(`${file} is not a loadable native module (${reason}).`);
}

/**
 * Copies better-sqlite3 into a temp dir, builds it there, verifies the result.
 * @param {{ root: string, electronVersion: string, abi: string, log: Log, headersUrl: string }} options
 * @returns {Promise<{ file: string, cleanup: () => void }>}
 */
async function buildInTempCopy({ root, electronVersion, abi, log, headersUrl }) {
  const packageDir = join(root, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(packageDir, 'package.json'))) {
    throw new NativeBuildError('node_modules/better-sqlite3 is missing: run `npm install` first.');
  }
  const nativeDir = join(root, '.electron-native');
  mkdirSync(nativeDir, { recursive: true });
  const workDir = mkdtempSync(join(nativeDir, 'build-'));
  const cleanup = () => rmSync(workDir, { recursive: true, force: true });
  try {
    const buildDir = join(packageDir, 'build');
    cpSync(packageDir, workDir, {
      recursive: true,
      filter: (path) => path !== buildDir && !path.startsWith(buildDir + sep),
    });
    const file = await buildBinary({ root, packageDir, workDir, electronVersion, log, headersUrl });
    verifyElectronBinding(file, abi);
    return { file, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * Tries the prebuilt binary, then a compile; returns build/Release/better_sqlite3.node inside workDir.
 * @param {{ root: string, packageDir: string, workDir: string, electronVersion: string, log: Log, headersUrl: string }} options
 */
async function buildBinary({ root, packageDir, workDir, electronVersion, log, headersUrl }) {
  const output = join(workDir, 'build', 'Release', 'better_sqlite3.node');
  const deadline = Date.now() + DOWNLOAD_BUDGET_MS;
  const env = buildEnv(process.env);
  const arch = process.arch;

  log('Fetching the prebuilt binary (prebuild-install, GitHub releases)...');
  const prebuildArgs = ['--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--verbose'];
  const prebuild = await runStep({
    args: [resolvePackageBin(packageDir, 'prebuild-install', 'bin.js'), ...prebuildArgs],
    cwd: workDir,
    env,
    downloadDeadline: Math.min(deadline, Date.now() + 45_000),
  });
  if (prebuild.ok && existsSync(output)) return output;
  log(`No prebuilt binary (${summarize(prebuild)}); compiling from source with node-gyp...`);

  const gypArgs = [
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    `--arch=${arch}`,
    `--dist-url=${headersUrl}`,
    `--devdir=${join(homedir(), '.electron-gyp')}`,
  ];
  const gyp = await runStep({ args: [findNodeGyp(root), ...gypArgs], cwd: workDir, env, downloadDeadline: deadline });
  if (gyp.ok && existsSync(output)) return output;
  const logFile = join(root, '.electron-native', 'last-build.log');
  writeFileSync(logFile, `# prebuild-install\n${prebuild.output}\n\n# node-gyp\n${gyp.output}\n`);
  const message = explainFailure({ prebuild, gyp, electronVersion, headersUrl });
  throw new NativeBuildError(`${message} Full log: ${relative(root, logFile)}`);
}

/**
 * Runs `node <args>` with captured output. Until the step prints that it is compiling, it is bound by
 * downloadDeadline (and stopped at once when the output shows a network error); after that by
 * COMPILE_TIMEOUT_MS.
 * @param {{ args: string[], cwd: string, env: NodeJS.ProcessEnv, downloadDeadline: number }} options
 * @returns {Promise<StepResult>}
 */
function runStep({ args, cwd, env, downloadDeadline }) {
  return new Promise((resolvePromise) => {
    // Its own process group, so a timeout also stops the compilers node-gyp started.
    const child = spawn(process.execPath, args, { cwd, env, detached: process.platform !== 'win32' });
    const releaseSignals = stopOnSignals(child);
    let output = '';
    let timedOut = false;
    let compiling = false;
    const stop = () => killTree(child);
    let timer = setTimeout(() => ((timedOut = true), stop()), Math.max(0, downloadDeadline - Date.now()));
    /** @param {Buffer} chunk */
    const collect = (chunk) => {
      output += chunk.toString();
      if (!compiling && COMPILING.test(output)) {
        compiling = true;
        clearTimeout(timer);
        timer = setTimeout(() => ((timedOut = true), stop()), COMPILE_TIMEOUT_MS);
      }
      // node-gyp retries a failed header download; there is nothing to gain from waiting.
      if (!compiling && /gyp ERR!/.test(output) && NETWORK_ERROR.test(output)) stop();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      output += `\n${error.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      releaseSignals();
      resolvePromise({ ok: code === 0 && !timedOut, output, timedOut });
    });
  });
}

/**
 * A detached child misses the terminal's Ctrl+C: stop it, then let the signal take its usual course.
 * @param {import('node:child_process').ChildProcess} child
 * @returns {() => void} removes the handlers
 */
function stopOnSignals(child) {
  /** @param {NodeJS.Signals} signal */
  const handler = (signal) => {
    killTree(child);
    release();
    process.kill(process.pid, signal);
  };
  const release = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return release;
}

/** @param {import('node:child_process').ChildProcess} child */
function killTree(child) {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill();
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * One message for a failed build: what failed and what to do about it.
 * @param {{ prebuild: StepResult, gyp: StepResult, electronVersion: string, headersUrl: string }} steps
 */
function explainFailure({ prebuild, gyp, electronVersion, headersUrl }) {
  const what = `Could not build better-sqlite3 for Electron ${electronVersion} (${process.platform}-${process.arch}):`;
  const prebuildPart = `no prebuilt binary (${summarize(prebuild)})`;
  const headersHost = new URL(headersUrl).host;
  if (!COMPILING.test(gyp.output) && (gyp.timedOut || NETWORK_ERROR.test(gyp.output))) {
    return (
      `${what} ${prebuildPart}, and compiling needs Electron's headers, which could not be downloaded from ` +
      `${headersHost}. Check network access to ${headersHost} and GitHub releases (behind a proxy: set ` +
      'HTTPS_PROXY), then run `npm start` again.'
    );
  }
  if (MISSING_PYTHON.test(gyp.output) || MISSING_COMPILER.test(gyp.output)) {
    return `${what} ${prebuildPart}, and compiling from source needs build tools: ${buildToolsHint()}.`;
  }
  if (gyp.timedOut) return `${what} ${prebuildPart}, and compiling from source timed out.`;
  return `${what} ${prebuildPart}, and compiling from source failed (${telltaleLine(gyp.output)}).`;
}

/** @param {StepResult} step */
function summarize(step) {
  if (step.timedOut) return 'timed out';
  const networkLine = step.output.split('\n').find((line) => NETWORK_ERROR.test(line));
  return (networkLine ?? telltaleLine(step.output)).replace(/^prebuild-install (warn|ERR!) (install )?/, '').trim();
}

/**
 * The most telling line of a failed step: the first compiler error, else the last error or warning.
 * @param {string} output
 */
function telltaleLine(output) {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const compilerError = lines.find((line) => /(^|\s)(fatal )?error:/.test(line) && !line.startsWith('gyp'));
  if (compilerError) return compilerError;
  const noise = /ERR! (stack (?!Error)|System|command|cwd|node -v|node-gyp -v|not ok|build error|configure error)/;
  const errors = lines.filter((line) => /ERR!|error|warn/i.test(line) && !noise.test(line));
  return errors.at(-1) ?? lines.at(-1) ?? 'no output';
}

function buildToolsHint() {
  if (process.platform === 'darwin') return 'install the Xcode Command Line Tools (`xcode-select --install`)';
  if (process.platform === 'win32') {
    return 'install Python 3 and Visual Studio Build Tools with "Desktop development with C++"';
  }
  return 'install python3, make and g++ (Debian/Ubuntu: `sudo apt-get install python3 make g++`)';
}

/**
 * The environment for prebuild-install and node-gyp: npm's exported settings would override the command-line
 * flags (node-gyp reads npm_config_* after its arguments), so only the network ones stay.
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function buildEnv(env) {
  /** @type {NodeJS.ProcessEnv} */
  const clean = {};
  for (const [key, value] of Object.entries(withoutElectronAsNode(env))) {
    const npmSetting = /^npm_config_(.*)$/i.exec(key)?.[1]?.toLowerCase();
    if (npmSetting !== undefined && !KEPT_NPM_SETTINGS.has(npmSetting)) continue;
    if (/^npm_package_config_node_gyp_/i.test(key)) continue;
    clean[key] = value;
  }
  return clean;
}

/** @param {NodeJS.ProcessEnv} env */
function withoutElectronAsNode(env) {
  const { ELECTRON_RUN_AS_NODE: _ignored, ...rest } = env;
  return rest;
}

/**
 * @param {string} fromDir
 * @param {string} name
 * @param {string} file
 */
function resolvePackageBin(fromDir, name, file) {
  try {
    return createRequire(join(fromDir, 'package.json')).resolve(`${name}/${file}`);
  } catch {
    throw new NativeBuildError(`${name} is missing from node_modules: run \`npm install\` again.`);
  }
}

/**
 * node-gyp: the project's own (a dependency of electron-builder), else the one bundled with npm.
 * @param {string} root
 */
function findNodeGyp(root) {
  const npmCli = process.env.npm_execpath;
  const candidates = [
    npmCli && join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.unshift(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not a project dependency: use npm's.
  }
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (found) return found;
  throw new NativeBuildError('node-gyp was not found (neither in node_modules nor bundled with npm): reinstall npm.');
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {string} root */
export function installedElectronVersion(root) {
  const file = join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(file)) throw new NativeBuildError('node_modules/electron is missing: run `npm install` first.');
  return /** @type {{ version: string }} */ (JSON.parse(readFileSync(file, 'utf8'))).version;
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const electronVersion = process.argv[2] ?? installedElectronVersion(root);
    const file = await ensureElectronSqlite({ root, electronVersion, log: (line) => console.error(line) });
    console.log(file);
  } catch (error) {
    console.error(messageOf(error));
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
