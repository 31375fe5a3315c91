// `looplab export` and `looplab import`: a run to one file and back, or as OpenTelemetry spans.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { exportFile, type ExportFormat } from '../runs/run-export';
import type { EventStore } from '../store/event-store';
import { importRun } from '../store/run-archive';

export function exportCommand(store: EventStore, runId: string, format: ExportFormat, output?: string): string {
  const exported = exportFile(store, runId, format);
  const file = resolve(output ?? exported.fileName);
  writeFileSync(file, exported.bytes);
  return `Wrote ${runId} to ${file}\n`;
}

export function importCommand(store: EventStore, file: string, options: { allowMcp?: boolean } = {}): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new AppError(
      'not_found',
      `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      'Give the path of a file written by `looplab export`.',
    );
  }
  const run = importRun(store, bytes, options);
  return `Imported ${run.id} (${run.eventCount} events, ${run.status})\n`;
}
