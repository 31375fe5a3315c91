// Held-out files a loop spec names may lie in the app's install folder (the starters): an AppImage's FUSE
// mount that dockerd cannot read, or /Applications, which Docker Desktop does not share by default. So
// what an evaluation container mounts from outside the data folder is first copied into it, for the
// evaluation's lifetime only; the data folder is the one place the engine is known to reach (the
// workspaces live there).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve, isAbsolute } from 'node:path';

export interface StagedHeldOut {
  /** The paths to mount, in the order given: staged copies, or the originals already inside the data folder. */
  paths: string[];
  /** Removes the copies. */
  release(): void;
}

function inside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export function stageHeldOut(paths: readonly string[], home: string, id: string): StagedHeldOut {
  const staging = join(home, 'staging', id);
  const staged = paths.map((path) => {
    if (inside(home, path)) return resolve(path);
    const copy = join(staging, basename(path));
    mkdirSync(staging, { recursive: true });
    cpSync(path, copy, { recursive: true, dereference: true });
    return copy;
  });
  return { paths: staged, release: () => rmSync(staging, { recursive: true, force: true }) };
}
