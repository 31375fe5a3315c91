// Runs after `npm install` (this package's own postinstall): fetches Electron's binary with the electron
// package's install script, but a download that fails does not fail the install. npm does not run that
// script itself (`allowScripts: { electron: false }` in package.json) because, when it fails, npm rolls
// the whole install back: node_modules gone, and `npm start` unable to run at all. Without the binary,
// `npm start` serves the same UI in the browser; running this script again fetches it later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`looplab: ${line}`);

/** @returns {number} always 0: the install goes on without Electron */
function main() {
  const installer = join(ROOT, 'node_modules', 'electron', 'install.js');
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || !existsSync(installer)) return 0;
  const result = spawnSync(process.execPath, [installer], { cwd: dirname(installer), encoding: 'utf8' });
  if (result.status === 0) return 0;
  const why = `${result.stderr ?? ''}${result.stdout ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('at '));
  say(`Electron's binary could not be downloaded (${why ?? result.error?.message ?? `exit ${result.status}`}).`);
  say(
    'The install goes on without it: `npm start` serves the same UI in your browser. ' +
      'To get the desktop app later, run `node scripts/fetch-electron.mjs`.',
  );
  return 0;
}

process.exitCode = main();
