// `looplab export` and `looplab import`: a run to one file and back, or as OpenTelemetry spans.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportFile, type ExportFormat } from '../runs/run-export';
import type { EventStore } from '../store/event-store';
import { importRunFile, type ImportOptions } from '../store/run-archive';

export function exportCommand(store: EventStore, runId: string, format: ExportFormat, output?: string): string {
  const exported = exportFile(store, runId, format);
  const file = resolve(output ?? exported.fileName);
  writeFileSync(file, exported.bytes);
  return `Wrote ${runId} to ${file}\n`;
}

export async function importCommand(store: EventStore, file: string, options: ImportOptions = {}): Promise<string> {
  const run = await importRunFile(store, file, options);
  return `Imported ${run.id} (${run.eventCount} events, ${run.status})\n`;
}
