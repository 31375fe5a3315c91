// Two runs side by side: their steps (model turns and tool calls, in order) aligned one to one and
// marked where they differ, and what each cost and achieved (tokens, cost, elapsed time, the last
// value of each job metric, evaluations, and which side each metric favours). What differs between runs
// by nature (ids Looplab makes, container ids, times, durations) is judged as replay judges it
// (replay-normalize.ts), so a faithful replay compares equal to its source. Pure, so the CLI and the
// UI show the same comparison.
import { previewText, type Content, type RunEvent, type RunStatus } from './events';
import { normalizeResult } from './replay-normalize';
import { runDuration } from './format';
import { summarizeAll } from './run-summary';
import { directions, metricDeltas, type MetricDelta } from './compare-metrics';

export type { MetricDelta } from './compare-metrics';

export interface RunStep {
  kind: 'model' | 'tool';
  /** What a person reads: `model → write, bash` or `bash {"command":"ls"}`. */
  label: string;
  /** The reply or the tool's output, shortened. */
  detail: string;
  isError: boolean;
  seq: number;
  /** What two steps must share to be the same (normalised; no ids). */
  key: string;
}

export type StepMatch = 'same' | 'different' | 'only-a' | 'only-b';

export interface AlignedStep {
  index: number;
  a: RunStep | null;
  b: RunStep | null;
  match: StepMatch;
}

export interface RunSide {
  runId: string;
  status: RunStatus;
  model: string;
  origin: string;
  steps: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  elapsedMs: number;
  /** The last value of each job metric. */
  metrics: Record<string, number>;
  /** The last value of each evaluated metric. */
  evaluations: Record<string, number>;
}

export interface RunComparison {
  a: RunSide;
  b: RunSide;
  /** Each job metric and evaluation of either run, with which side is better. */
  deltas: MetricDelta[];
  steps: AlignedStep[];
  /** The index in `steps` of the first step that is not the same in both, or null when none. */
  firstDivergence: number | null;
}

const DETAIL_CHARS = 240;

function text(content: Content | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.preview;
}

function argsText(args: unknown): string {
  return typeof args === 'string' ? args : (JSON.stringify(args) ?? '');
}

/** A call as two runs must share it to be the same: its arguments with made ids and times normalised. */
function callKey(tool: string, args: unknown): string {
  return `${tool} ${normalizeResult(argsText(args))}`;
}

/** A run's steps in order: each model reply that reached the conversation, and each tool call with its result. */
export function runSteps(events: readonly RunEvent[]): RunStep[] {
  const steps: RunStep[] = [];
  const tools = new Map<string, RunStep>();
  for (const event of events) {
    if (event.type === 'model.finished') {
      const { finishReason, toolCalls } = event.payload;
      if (finishReason === 'error' || finishReason === 'interrupted') continue;
      const reply = text(event.payload.text);
      const calls = toolCalls.map((call) => call.name);
      steps.push({
        kind: 'model',
        label: calls.length > 0 ? `model → ${calls.join(', ')}` : 'model: reply',
        detail: previewText(reply, DETAIL_CHARS),
        isError: false,
        seq: event.seq,
        key: ['model', normalizeResult(reply), ...toolCalls.map((call) => callKey(call.name, call.args))].join('\n'),
      });
    } else if (event.type === 'tool.started') {
      const { tool, args } = event.payload;
      const step: RunStep = {
        kind: 'tool',
        label: `${tool} ${previewText(argsText(args), 80)}`,
        detail: '',
        isError: false,
        seq: event.seq,
        key: `tool ${callKey(tool, args)}`,
      };
      tools.set(event.payload.callId, step);
      steps.push(step);
    } else if (event.type === 'tool.finished') {
      const step = tools.get(event.payload.callId);
      if (step === undefined) continue;
      const output = text(event.payload.output);
      step.detail = previewText(output, DETAIL_CHARS);
      step.isError = event.payload.isError;
      step.key += `\n${event.payload.isError ? 'error' : 'ok'}\n${normalizeResult(output)}`;
    }
  }
  return steps;
}

function side(events: readonly RunEvent[]): RunSide {
  const summary = summarizeAll(events);
  if (summary === undefined) throw new Error('A run to compare has no events.');
  const metrics: Record<string, number> = {};
  const evaluations: Record<string, number> = {};
  let origin = 'new';
  for (const event of events) {
    if (event.type === 'run.created') origin = event.payload.origin;
    if (event.type === 'job.metric') Object.assign(metrics, event.payload.values);
    if (event.type === 'evaluation.recorded') evaluations[event.payload.metric] = event.payload.value;
  }
  return {
    runId: summary.id,
    status: summary.status,
    model: summary.model,
    origin,
    steps: summary.steps,
    toolCalls: summary.toolCalls,
    inputTokens: summary.inputTokens,
    outputTokens: summary.outputTokens,
    cost: summary.cost,
    elapsedMs: runDuration(summary),
    metrics,
    evaluations,
  };
}

/** Compares two runs from their events (large text inline, or the previews of blob references). */
export function compareRuns(a: readonly RunEvent[], b: readonly RunEvent[]): RunComparison {
  const stepsA = runSteps(a);
  const stepsB = runSteps(b);
  const steps: AlignedStep[] = [];
  for (let index = 0; index < Math.max(stepsA.length, stepsB.length); index++) {
    const left = stepsA[index] ?? null;
    const right = stepsB[index] ?? null;
    const match: StepMatch =
      left === null ? 'only-b' : right === null ? 'only-a' : left.key === right.key ? 'same' : 'different';
    steps.push({ index, a: left, b: right, match });
  }
  const first = steps.findIndex((step) => step.match !== 'same');
  const left = side(a);
  const right = side(b);
  return {
    a: left,
    b: right,
    deltas: metricDeltas(left, right, { ...directions(a), ...directions(b) }),
    steps,
    firstDivergence: first < 0 ? null : first,
  };
}
