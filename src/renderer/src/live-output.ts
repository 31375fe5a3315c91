// What commands and jobs print while they run, per run and per source (a tool call id or a job id):
// kept until the event that ends the source arrives, and capped so a flood cannot grow without bound.
// Colour codes are kept: the view renders them (components/ansi-text.tsx).
import type { RunEvent } from '../../shared/events';

export type LiveOutputs = ReadonlyMap<string, ReadonlyMap<string, string>>;

export const LIVE_OUTPUT_MAX_CHARS = 20_000;

export function withOutput(outputs: LiveOutputs, runId: string, source: string, text: string): LiveOutputs {
  const run = new Map(outputs.get(runId) ?? []);
  const joined = (run.get(source) ?? '') + text;
  run.set(source, joined.length > LIVE_OUTPUT_MAX_CHARS ? joined.slice(-LIVE_OUTPUT_MAX_CHARS) : joined);
  return new Map(outputs).set(runId, run);
}

/** Drops the output of calls and jobs whose end the events record: the timeline shows it from then. */
export function withEnded(outputs: LiveOutputs, runId: string, events: readonly RunEvent[]): LiveOutputs {
  const run = outputs.get(runId);
  if (run === undefined) return outputs;
  const ended = events.flatMap((event) => {
    if (event.type === 'tool.finished') return [event.payload.callId];
    if (event.type === 'job.finished') return [event.payload.jobId];
    if (event.type === 'run.status' && event.payload.status !== 'running' && event.payload.status !== 'waiting')
      return [...run.keys()];
    return [];
  });
  if (!ended.some((source) => run.has(source))) return outputs;
  const next = new Map(run);
  for (const source of ended) next.delete(source);
  return new Map(outputs).set(runId, next);
}
