// A fresh data folder per test in the system temp dir, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHome, type HomePaths } from '../../src/main/home';

export interface TempHome {
  paths: HomePaths;
  remove(): void;
}

export function makeTempHome(prefix = 'looplab-test-'): TempHome {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { paths: ensureHome(root), remove: () => rmSync(root, { recursive: true, force: true }) };
}
