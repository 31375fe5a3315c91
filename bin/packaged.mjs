// The entry of the CLI the packaged app carries: `node scripts/cli-bundle.mjs --dist` (run by `npm run
// build`) bundles it into out/cli-dist/main.mjs, and the launcher resources/bin/looplab runs that with the
// app's own Electron binary as Node (ELECTRON_RUN_AS_NODE=1). Never run from a checkout, where
// bin/looplab.mjs is the command.
import module from 'node:module';
import { main } from '../src/main/cli/main.ts';

// Where Node has it (22.1 and later), V8's compiled code of the modules is kept between starts.
module.enableCompileCache?.();

process.exitCode = await main(process.argv.slice(2));
