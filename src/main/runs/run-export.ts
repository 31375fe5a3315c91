// A run as it leaves the data folder, for the CLI and the UI alike: the archive file (see
// store/run-archive.ts) or OpenTelemetry spans, with secrets removed from both.
import { otelTrace } from '../../shared/otel-spans';
import { createRedactor, secretsFromEnvNames, type Redactor } from '../core/redact';
import type { EventStore } from '../store/event-store';
import { exportRun } from '../store/run-archive';
import { appVersion } from '../version';

export type ExportFormat = 'looplab' | 'otel';

/** Secrets to remove from what leaves the data folder: known keys and every variable named like one. */
export function exportRedactor(env: NodeJS.ProcessEnv = process.env, more: readonly string[] = []): Redactor {
  return createRedactor([...secretsFromEnvNames(env), ...more]);
}

/**
 * The MCP servers' env values a run recorded before runs kept only their names: secrets of that run,
 * wherever they appear in it.
 */
function recordedEnvValues(store: EventStore, runId: string): string[] {
  const created = store.loadEvents(runId).find((event) => event.type === 'run.created');
  const servers = created?.type === 'run.created' ? (created.payload.config?.mcpServers ?? []) : [];
  return servers.flatMap((server) => (server.transport === 'stdio' ? Object.values(server.env ?? {}) : []));
}

function runRedactor(store: EventStore, runId: string): Redactor {
  return exportRedactor(process.env, recordedEnvValues(store, runId));
}

/** The run as OpenTelemetry GenAI spans (OTLP/JSON), secrets removed. */
export function otelJson(store: EventStore, runId: string, redact?: Redactor): string {
  store.requireRun(runId);
  redact ??= runRedactor(store, runId);
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
    bytes: exportRun(store, runId, runRedactor(store, runId)),
  };
}
