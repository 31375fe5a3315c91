#!/usr/bin/env node
// The `looplab` command. Runs a bundle of the TypeScript sources that is rebuilt whenever a source
// changes (scripts/cli-bundle.mjs), so `npx looplab` works right after `npm install` with no build step
// to remember and starts in a fraction of the time tsx takes. LOOPLAB_CLI_SOURCES=1, or a bundle that
// cannot be built, runs the sources through tsx instead.
import module from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Where Node has it (22.1 and later), V8's compiled code of the modules is kept between starts.
module.enableCompileCache?.();

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function loadMain() {
  if (process.env.LOOPLAB_CLI_SOURCES !== '1') {
    try {
      const { freshBundle } = await import('../scripts/cli-bundle.mjs');
      return (await import(pathToFileURL(await freshBundle(root)).href)).main;
    } catch (error) {
      if (process.env.LOOPLAB_DEBUG === '1') console.error('looplab: running the sources, no bundle:', error);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/main/cli/main.ts')).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
