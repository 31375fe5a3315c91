#!/usr/bin/env node
// The `looplab` command. Runs the TypeScript sources through tsx, so `npx looplab` works right after
// `npm install` with no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
