// A scripted model for loop tests: each turn is a function of the request (so a test can check what
// the model was sent) returning text and tool calls, or throwing a ProviderError.
import type { ModelEvent, ModelInfo, ModelProvider, ModelRequest, ToolCallRequest } from '../../src/main/core/model';
import type { ModelResolver } from '../../src/main/runs/readiness';

export interface ScriptedTurn {
  text?: string;
  calls?: { name: string; args: unknown }[];
  /** Raw argument text instead of JSON.stringify(args), for malformed calls. */
  rawCalls?: { name: string; arguments: string }[];
  finish?: 'stop' | 'tool_calls' | 'length';
  usage?: { inputTokens: number; outputTokens: number };
}

export type Turn = ScriptedTurn | ((request: ModelRequest) => ScriptedTurn);

export class ScriptedModel implements ModelProvider {
  readonly id = 'scripted';
  readonly requests: ModelRequest[] = [];
  private callCount = 0;

  constructor(
    private readonly turns: Turn[],
    private readonly info: ModelInfo = { contextLength: 32_768, supportsTools: true },
    /** Tool call ids are `<prefix>_1`, `<prefix>_2`…: unique per run, as a real provider's are. */
    private readonly callIdPrefix = 'tc',
  ) {}

  async check(): Promise<ModelInfo> {
    return this.info;
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    this.requests.push({ ...request, messages: [...request.messages] });
    const next = this.turns.shift();
    if (next === undefined) throw new Error(`The script has no turn ${this.requests.length}.`);
    const turn = typeof next === 'function' ? next(request) : next;
    if (turn.text !== undefined) yield { type: 'text', delta: turn.text };
    const calls: ToolCallRequest[] = [
      ...(turn.calls ?? []).map((call) => ({
        id: `${this.callIdPrefix}_${++this.callCount}`,
        name: call.name,
        arguments: JSON.stringify(call.args),
      })),
      ...(turn.rawCalls ?? []).map((call) => ({ id: `${this.callIdPrefix}_${++this.callCount}`, ...call })),
    ];
    for (const call of calls) yield { type: 'tool_call', call };
    yield { type: 'usage', inputTokens: turn.usage?.inputTokens ?? 100, outputTokens: turn.usage?.outputTokens ?? 10 };
    yield { type: 'finish', reason: turn.finish ?? (calls.length > 0 ? 'tool_calls' : 'stop') };
  }
}

/** For loops driven by a ScriptedModel given directly: nothing resolves a model by name, and it costs nothing. */
export const unusedModels: ModelResolver = {
  resolve: () => {
    throw new Error('not used');
  },
  readiness: () => Promise.reject(new Error('not used')),
  price: () => 0,
};

/** A scripted model as a run takes it: its name, provider and context. */
export function scriptedReady(model: ScriptedModel, name = 'scripted/test') {
  return { name, provider: model, model: 'test', info: { contextLength: 32_768, supportsTools: true } };
}
