// A run as it leaves the data folder, for the CLI and the UI alike: the archive file (see
// store/run-archive.ts) or OpenTelemetry spans, with secrets removed from both.
import { otelTrace } from '../../shared/otel-spans';
import { createRedactor, secretsFromEnvNames, type Redactor } from '../core/redact';
import type { EventStore } from '../store/event-store';
import { exportRun } from '../store/run-archive';
import { appVersion } from '../version';

export type ExportFormat = 'looplab' | 'otel';

/** Secrets to remove from what leaves the data folder: known keys and every variable named like one. */
export function exportRedactor(env: NodeJS.ProcessEnv = process.env): Redactor {
  return createRedactor(secretsFromEnvNames(env));
}

/** The run as OpenTelemetry GenAI spans (OTLP/JSON), secrets removed. */
export function otelJson(store: EventStore, runId: string, redact = exportRedactor()): string {
  store.requireRun(runId);
  const events = store.loadEvents(runId).map((event) => redact.value(event));
  return `${JSON.stringify(otelTrace(events, appVersion()), null, 2)}\n`;
}

export interface ExportedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export function exportFile(store: EventStore, runId: string, format: ExportFormat): ExportedFile {
  if (format === 'otel')
    return {
      fileName: `${runId}.otel.json`,
      contentType: 'application/json',
      bytes: Buffer.from(otelJson(store, runId)),
    };
  return {
    fileName: `${runId}.looplab.gz`,
    contentType: 'application/gzip',
    bytes: exportRun(store, runId, exportRedactor()),
  };
}
