// How much of the disk the data folder takes (the database, blobs, run workspaces) and how much is
// left, for the settings screen.
import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunDiskUse, StorageUsage } from '../../shared/settings';
import type { HomePaths } from '../home';

/** Bytes under a path, not following links (a workspace may link anywhere). */
async function bytesUnder(path: string): Promise<number> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of names) total += await bytesUnder(join(path, name));
  return total;
}

export async function storageUsage(paths: HomePaths, runs: () => RunDiskUse[]): Promise<StorageUsage> {
  const database = await Promise.all(['', '-wal', '-shm'].map((suffix) => bytesUnder(`${paths.database}${suffix}`)));
  const disk = await statfs(paths.root);
  return {
    home: paths.root,
    databaseBytes: database.reduce((sum, bytes) => sum + bytes, 0),
    blobsBytes: await bytesUnder(paths.blobs),
    workspacesBytes: await bytesUnder(paths.workspaces),
    freeBytes: disk.bavail * disk.bsize,
    totalBytes: disk.blocks * disk.bsize,
    runs: runs(),
  };
}
