// The app's folder and version. The folder is the nearest one above this module that holds Looplab's
// package.json: src/main from the sources, out/main from the Electron build, out/cli/<bundle> from the
// CLI's bundle, app.asar in a packaged app.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name?: string;
  version?: string;
}

let cached: { root: string; manifest: Manifest } | undefined;

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function locate(): { root: string; manifest: Manifest } {
  if (cached !== undefined) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const manifest = existsSync(file) ? readManifest(file) : undefined;
    if (manifest?.name === 'looplab') return (cached = { root: dir, manifest });
    if (dirname(dir) === dir) return (cached = { root: join(here, '..', '..'), manifest: {} });
  }
}

/** The folder Looplab runs from: the checkout, or the packaged app's folder. */
export function appRoot(): string {
  return locate().root;
}

export function appVersion(): string {
  return locate().manifest.version ?? '0.0.0';
}
