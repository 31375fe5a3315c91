// A real small filesystem for disk-full cases: a tmpfs of a given size, mounted where this process may
// (as root). Tests that need one skip without it, unless LOOPLAB_REQUIRE_MOUNT=1 makes that a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mounts a tmpfs of `size` (e.g. "1m") on a new folder and returns it, or undefined where that is not allowed. */
export function mountTmpfs(size: string, prefix = 'looplab-tmpfs-'): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'looplab-test', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

export function unmountTmpfs(dir: string): void {
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
}

export const tmpfsRequired = process.env.LOOPLAB_REQUIRE_MOUNT === '1';
