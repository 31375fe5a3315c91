// What a published card says about how its files were made, read from the run's events by the harness
// (never written by the model): the data it inspected (path and row count from data_inspect), the
// training jobs it started (command, GPU, how they ended), and the evaluations the harness computed
// (metric, value, target, baseline, whether the references were held out from the agent).
import type { RunEvent } from '../../shared/events';

export interface DataFact {
  /** The file's path in the run's workspace. */
  path: string;
  rows?: number;
  /** Filled where the file is still in the workspace (hub-publish-plan.ts computes it). */
  sha256?: string;
  bytes?: number;
}

export interface TrainingFact {
  command: string;
  gpu: boolean;
  status?: 'succeeded' | 'failed' | 'cancelled';
}

export interface EvaluationFact {
  metric: string;
  value: number;
  target?: number;
  better: 'higher' | 'lower';
  baseline?: { label: string; value: number };
  /** The references were held out: the agent's sandbox never had them. */
  heldOut: boolean;
  attempt?: number;
}

export interface RunFacts {
  runId: string;
  goal: string;
  /** The model that drove the run (the agent), which is not the model trained. */
  agentModel: string;
  data: DataFact[];
  training: TrainingFact[];
  evaluations: EvaluationFact[];
  /** Repos the run fetched files of from the Hub, by kind. */
  fetched: { model: string[]; dataset: string[] };
}

type Payload<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>['payload'];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** `path: CSV, 1.2 kB, 1,204 rows, 3 columns` → 1204. */
function rowsOf(output: string): number | undefined {
  const match = /^[^\n]*?, ([\d,]+) rows?, \d+ columns?/.exec(output);
  return match === null ? undefined : Number(match[1]!.replaceAll(',', ''));
}

function argument(args: unknown, key: string): string | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const value = (args as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function evaluationFact(payload: Payload<'evaluation.recorded'>, heldOut: boolean): EvaluationFact {
  return {
    metric: payload.metric,
    value: payload.value,
    better: payload.better ?? 'higher',
    heldOut,
    ...(payload.target === undefined ? {} : { target: payload.target }),
    ...(payload.baseline === undefined
      ? {}
      : { baseline: { label: payload.baseline.label, value: payload.baseline.value } }),
    ...(payload.attempt === undefined ? {} : { attempt: payload.attempt }),
  };
}

function noteFetch(fetched: RunFacts['fetched'], args: unknown): void {
  const repo = argument(args, 'repo');
  const list = argument(args, 'kind') === 'dataset' ? fetched.dataset : fetched.model;
  if (repo !== undefined && !list.includes(repo)) list.push(repo);
}

/** The facts of a run, in the order they happened. */
export function runFacts(events: readonly RunEvent[]): RunFacts {
  const created = events.find((event) => event.type === 'run.created');
  const createdPayload = created?.type === 'run.created' ? created.payload : undefined;
  const specHeldOut = (createdPayload?.config?.evaluation?.heldOut.length ?? 0) > 0;
  const calls = new Map<string, { tool: string; args: unknown }>();
  const data = new Map<string, DataFact>();
  const training = new Map<string, TrainingFact>();
  const evaluations: EvaluationFact[] = [];
  const fetched: RunFacts['fetched'] = { model: [], dataset: [] };
  let openEvaluate: unknown;
  for (const event of events) {
    if (event.type === 'tool.started') {
      calls.set(event.payload.callId, { tool: event.payload.tool, args: event.payload.args });
      if (event.payload.tool === 'evaluate') openEvaluate = event.payload.args;
    } else if (event.type === 'tool.finished') {
      const call = calls.get(event.payload.callId);
      if (call?.tool === 'evaluate') openEvaluate = undefined;
      if (call?.tool === 'hub_fetch' && !event.payload.isError) noteFetch(fetched, call.args);
      const path = argument(call?.args, 'path')
        ?.replace(/^(\.\/)+/, '')
        .replace(/\/+$/, '');
      if (call?.tool !== 'data_inspect' || event.payload.isError || path === undefined) continue;
      const rows = rowsOf(text(event.payload.output));
      data.set(path, { path, ...(rows === undefined ? {} : { rows }) });
    } else if (event.type === 'job.started') {
      training.set(event.payload.jobId, { command: text(event.payload.command), gpu: event.payload.gpu });
    } else if (event.type === 'job.finished') {
      const job = training.get(event.payload.jobId);
      if (job !== undefined) job.status = event.payload.status;
    } else if (event.type === 'evaluation.recorded' && event.payload.role !== 'baseline') {
      // Scored by the evaluate tool: held out when its references were; else by the spec's evaluation.
      const references = openEvaluate === undefined ? undefined : argument(openEvaluate, 'references');
      const heldOut = openEvaluate === undefined ? specHeldOut : references?.startsWith('heldout:') === true;
      evaluations.push(evaluationFact(event.payload, heldOut));
    }
  }
  return {
    runId: created?.runId ?? events[0]?.runId ?? '',
    goal: text(createdPayload?.goal),
    agentModel: createdPayload?.model ?? '',
    data: [...data.values()],
    training: [...training.values()],
    evaluations,
    fetched,
  };
}
