// `looplab export` and `looplab import`: a run to one file and back, or as OpenTelemetry spans.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { otelTrace } from '../../shared/otel-spans';
import { createRedactor, secretsFromEnvNames } from '../core/redact';
import type { EventStore } from '../store/event-store';
import { exportRun, importRun } from '../store/run-archive';
import { appVersion } from '../version';

/** Secrets to remove from what leaves the data folder: known keys and every variable named like one. */
export function exportRedactor(env: NodeJS.ProcessEnv = process.env) {
  return createRedactor(secretsFromEnvNames(env));
}

/** The run as OpenTelemetry GenAI spans (OTLP/JSON), secrets removed. */
export function otelJson(store: EventStore, runId: string): string {
  store.requireRun(runId);
  const redact = exportRedactor();
  const events = store.loadEvents(runId).map((event) => redact.value(event));
  return `${JSON.stringify(otelTrace(events, appVersion()), null, 2)}\n`;
}

export function exportCommand(store: EventStore, runId: string, format: 'looplab' | 'otel', output?: string): string {
  const file = resolve(output ?? (format === 'otel' ? `${runId}.otel.json` : `${runId}.looplab.gz`));
  const bytes = format === 'otel' ? otelJson(store, runId) : exportRun(store, runId, exportRedactor());
  writeFileSync(file, bytes);
  return `Wrote ${runId} to ${file}\n`;
}

export function importCommand(store: EventStore, file: string): string {
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
  const run = importRun(store, bytes);
  return `Imported ${run.id} (${run.eventCount} events, ${run.status})\n`;
}
