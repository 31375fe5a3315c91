// `looplab export` and `looplab import`: a run to one file and back, or as OpenTelemetry spans.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { exportFile, type ExportFormat } from '../runs/run-export';
import type { EventStore } from '../store/event-store';
import { importRunFile, type ImportOptions } from '../store/run-archive';

/**
 * Writes the run to `output`, else to its default name in the current directory; an existing file is
 * replaced only when `force` says so (written exclusively, so none appears between a check and the write).
 */
export function exportCommand(
  store: EventStore,
  runId: string,
  format: ExportFormat,
  output?: string,
  force = false,
): string {
  const exported = exportFile(store, runId, format);
  const file = resolve(output ?? exported.fileName);
  try {
    writeFileSync(file, exported.bytes, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new AppError(
      'invalid_input',
      `${file} already exists; export does not overwrite it.`,
      'Pass --force to replace it, or give another file with -o.',
    );
  }
  return `Wrote ${runId} to ${file}\n`;
}

export async function importCommand(store: EventStore, file: string, options: ImportOptions = {}): Promise<string> {
  const run = await importRunFile(store, file, options);
  return `Imported ${run.id} (${run.eventCount} events, ${run.status})\n`;
}
