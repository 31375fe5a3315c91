// A real run driven one tool call at a time: the model is a queue the test feeds, and everything else is
// what a front end builds (createRunLoop: the run's sandbox or folder, the built-in and job tools, the real
// store). `call` makes the model ask for one tool call and resolves with what the run recorded for it,
// so a test reads each result as the model and the person would, and the run goes on to the next.
import { loopConfigSchema } from '../../src/shared/loop-config';
import type { LoopOutcome } from '../../src/main/core/loop';
import type { ModelEvent, ModelInfo, ModelProvider, ModelRequest } from '../../src/main/core/model';
import type { RunDeps } from '../../src/main/runs/run-deps';
import { createRunLoop } from '../../src/main/runs/run-loop';

type Turn = { call: { name: string; arguments: string } } | { text: string };

/** A model whose every reply is handed to it by the test, in order. */
class DrivenModel implements ModelProvider {
  readonly id = 'driven';
  private readonly turns: Turn[] = [];
  private waiting: ((turn: Turn) => void) | undefined;
  private calls = 0;

  async check(): Promise<ModelInfo> {
    return { contextLength: 10_000_000, supportsTools: true };
  }

  give(turn: Turn): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting !== undefined) waiting(turn);
    else this.turns.push(turn);
  }

  nextCallId(): string {
    return `tc_${this.calls + 1}`;
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const turn =
      this.turns.shift() ??
      (await new Promise<Turn>((resolve, reject) => {
        this.waiting = resolve;
        request.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      }));
    if ('text' in turn) yield { type: 'text', delta: turn.text };
    else yield { type: 'tool_call', call: { id: `tc_${++this.calls}`, ...turn.call } };
    yield { type: 'usage', inputTokens: 10, outputTokens: 5 };
    yield { type: 'finish', reason: 'text' in turn ? 'stop' : 'tool_calls' };
  }
}

export interface ToolResult {
  output: string;
  isError: boolean;
}

export interface DrivenRun {
  runId: string;
  /** The model calls the tool with these arguments (raw text is sent as it is); resolves with the recorded result. */
  call(tool: string, args: unknown): Promise<ToolResult>;
  /** The model answers without a tool call: the run finishes. */
  finish(): Promise<LoopOutcome>;
  /** The run's outcome, once it has ended for any reason. */
  outcome: Promise<LoopOutcome>;
}

export function startDrivenRun(deps: RunDeps, options: { runtime?: 'sandbox' | 'host' } = {}): DrivenRun {
  const model = new DrivenModel();
  const config = loopConfigSchema.parse({ maxSteps: 10_000, runtime: options.runtime ?? 'sandbox' });
  const runId = deps.store.createRun({ goal: 'Driven run', model: 'driven/model', origin: 'new', config }).runId;
  const finished = new Map<string, (result: ToolResult) => void>();
  const loop = createRunLoop({
    app: deps,
    runId,
    model: {
      name: 'driven/model',
      provider: model,
      model: 'model',
      info: { contextLength: 10_000_000, supportsTools: true },
    },
    models: { resolve: () => ({ provider: model, model: 'model' }), readiness: model.check, price: () => 0 },
    config,
    gate: { decide: async () => ({ decision: 'approved' }) },
    onProgress: (progress) => {
      if (progress.type !== 'event' || progress.event.type !== 'tool.finished') return;
      const { callId, output, isError } = progress.event.payload;
      finished.get(callId)?.({ output: typeof output === 'string' ? output : output.preview, isError });
    },
  });
  const outcome = loop.run(new AbortController().signal);
  return {
    runId,
    outcome,
    call(tool, args) {
      const callId = model.nextCallId();
      const result = new Promise<ToolResult>((resolve, reject) => {
        finished.set(callId, resolve);
        void outcome.then((ended) => reject(new Error(`The run ended (${ended.status}: ${ended.reason})`)));
      });
      model.give({ call: { name: tool, arguments: typeof args === 'string' ? args : JSON.stringify(args) } });
      return result;
    },
    finish() {
      model.give({ text: 'Done.' });
      return outcome;
    },
  };
}

/** The output of the run's last finished tool call as the store gives it back (large text from its blob). */
export function lastStoredResult(deps: Pick<RunDeps, 'store'>, runId: string): string {
  const finished = deps.store.loadEvents(runId).filter((event) => event.type === 'tool.finished');
  const event = finished.at(-1);
  if (event?.type !== 'tool.finished') throw new Error(`${runId} has no finished tool call`);
  const { output } = event.payload;
  return typeof output === 'string' ? output : deps.store.readBlob(output.$blob);
}
