// A folder of files (images, text, shards): counts and sizes by extension and by first-level subfolder
// (often one per class), and some names, walking in name order without following symbolic links.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

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

export async function inspectFolder(folder: string, signal: AbortSignal): Promise<FolderReport> {
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
  const walk = async (current: string): Promise<void> => {
    const listed = await readdir(current, { withFileTypes: true });
    listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of listed) {
      signal.throwIfAborted();
      if (++entries > ENTRIES_CAP) {
        report.capped = true;
        return;
      }
      const path = join(current, entry.name);
      if (entry.isSymbolicLink()) report.links++;
      else if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const { size } = await stat(path);
        const name = relative(folder, path);
        const extension = extname(entry.name).toLowerCase() || '(none)';
        const byExtension = report.byExtension.get(extension) ?? { files: 0, bytes: 0 };
        byExtension.files++;
        byExtension.bytes += size;
        report.byExtension.set(extension, byExtension);
        const top = name.includes(sep) ? name.split(sep)[0]! : '.';
        report.bySubfolder.set(top, (report.bySubfolder.get(top) ?? 0) + 1);
        report.files++;
        report.bytes += size;
        if (report.sampleNames.length < SAMPLE_NAMES) report.sampleNames.push(name);
      }
      if (report.capped) return;
    }
  };
  await walk(folder);
  return report;
}
