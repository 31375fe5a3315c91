// The latest probe of each model, kept in `model-probes.json` in the data folder (written atomically,
// validated on read). A file that cannot be read or does not validate is named in a notice and ignored,
// and the next probe replaces it: a probe can always be run again, so nothing waits on it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeFileSchema, type ProbeList, type ProbeReport } from '../../shared/model-probe';
import type { HomePaths } from '../home';
import { writeFileAtomic } from '../settings/atomic-write';

export function probeFile(paths: Pick<HomePaths, 'root'>): string {
  return join(paths.root, 'model-probes.json');
}

export function readProbes(paths: Pick<HomePaths, 'root'>): ProbeList {
  const file = probeFile(paths);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { probes: {} };
    return ignored(file, (error as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return ignored(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = probeFileSchema.safeParse(raw);
  if (!parsed.success) return ignored(file, problemOf(parsed.error));
  return { probes: parsed.data.probes };
}

/** The first problem, where it is, and how many more there are. */
function problemOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const [first, ...rest] = error.issues;
  const where = first?.path.map(String).join('.') || 'the top level';
  const more = rest.length === 0 ? '' : ` and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'}`;
  return `${where}: ${first?.message ?? 'invalid'}${more}`;
}

function ignored(file: string, why: string): ProbeList {
  return {
    probes: {},
    notice: `The stored probe results in ${file} could not be read (${why}); they are ignored, and the next probe replaces the file.`,
  };
}

/**
 * Stores a probe as its model's latest; the others stay as they were. A broken file is replaced: the
 * notice that names it is returned.
 */
export function saveProbe(paths: Pick<HomePaths, 'root'>, report: ProbeReport): string | undefined {
  const { probes, notice } = readProbes(paths);
  const file = { version: 1 as const, probes: { ...probes, [report.model]: report } };
  writeFileAtomic(probeFile(paths), `${JSON.stringify(file, null, 2)}\n`);
  return notice;
}
