// A folder of files (images, text, shards): counts and sizes by extension and by first-level subfolder
// (often one per class), and some names, walking in name order without following symbolic links:
// through open folder handles (fs/open-inside.ts), so a folder swapped for a link meanwhile is not
// followed either.
import { lstat, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { openChildFolder, type OpenFolder } from '../fs/open-inside';

export interface FolderReport {
  files: number;
  bytes: number;
  byExtension: Map<string, { files: number; bytes: number }>;
  bySubfolder: Map<string, number>;
  sampleNames: string[];
  /** More entries than the walk looks at. */
  capped: boolean;
  links: number;
}

const ENTRIES_CAP = 200_000;
const SAMPLE_NAMES = 10;

/** Walks a folder held open (fs/open-inside.ts); the caller closes it. */
export async function inspectFolder(folder: OpenFolder, signal: AbortSignal): Promise<FolderReport> {
  const report: FolderReport = {
    files: 0,
    bytes: 0,
    byExtension: new Map(),
    bySubfolder: new Map(),
    sampleNames: [],
    capped: false,
    links: 0,
  };
  let entries = 0;
  const count = (name: string, size: number): void => {
    const extension = extname(name).toLowerCase() || '(none)';
    const byExtension = report.byExtension.get(extension) ?? { files: 0, bytes: 0 };
    byExtension.files++;
    byExtension.bytes += size;
    report.byExtension.set(extension, byExtension);
    const top = name.includes('/') ? name.split('/')[0]! : '.';
    report.bySubfolder.set(top, (report.bySubfolder.get(top) ?? 0) + 1);
    report.files++;
    report.bytes += size;
    if (report.sampleNames.length < SAMPLE_NAMES) report.sampleNames.push(name);
  };
  const walk = async (current: OpenFolder, prefix: string): Promise<void> => {
    const listed = await readdir(current.location, { withFileTypes: true });
    listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of listed) {
      signal.throwIfAborted();
      if (++entries > ENTRIES_CAP) {
        report.capped = true;
        return;
      }
      const name = `${prefix}${entry.name}`;
      if (entry.isSymbolicLink()) report.links++;
      else if (entry.isDirectory()) await walkChild(current, entry.name, `${name}/`);
      else if (entry.isFile()) {
        const info = await lstat(join(current.location, entry.name)).catch(() => undefined);
        if (info?.isFile() === true) count(name, info.size);
      }
      if (report.capped) return;
    }
  };
  const walkChild = async (parent: OpenFolder, name: string, prefix: string): Promise<void> => {
    let child: OpenFolder;
    try {
      child = openChildFolder(parent, name);
    } catch {
      // Replaced by a link or removed since it was listed: not walked.
      report.links++;
      return;
    }
    try {
      await walk(child, prefix);
    } finally {
      child.close();
    }
  };
  await walk(folder, '');
  return report;
}
