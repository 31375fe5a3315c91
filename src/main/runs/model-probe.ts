// "Which model should I use?": before a run, a tiny tool-calling task tells whether a model really calls
// tools with correct arguments (many local models say they take tools and then answer in prose), and how
// quickly it answers. Through the same provider and readiness check a run uses.
import { AppError } from '../../shared/errors';
import { ProviderError, type ToolCallRequest } from '../core/model';
import { readyModel, type ModelResolver } from './readiness';

export interface ProbeResult {
  model: string;
  ok: boolean;
  /** What happened, in words a person reads. */
  verdict: string;
  latencyMs: number;
  contextLength: number;
}

const ADD_TOOL = {
  name: 'add',
  description: 'Adds two integers and returns the sum.',
  parameters: {
    type: 'object',
    properties: { a: { type: 'integer' }, b: { type: 'integer' } },
    required: ['a', 'b'],
  },
};

function judgeCalls(calls: readonly ToolCallRequest[], text: string): { ok: boolean; verdict: string } {
  if (calls.length === 0) {
    const said = text.trim().slice(0, 80);
    return {
      ok: false,
      verdict: `answered in words instead of calling the tool${said === '' ? '' : ` ("${said}")`}: it will not drive the loop well`,
    };
  }
  const call = calls[0]!;
  if (call.name !== 'add') return { ok: false, verdict: `called an unknown tool "${call.name.slice(0, 60)}"` };
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    return { ok: false, verdict: 'called the tool with arguments that are not JSON' };
  }
  const { a, b } = (typeof args === 'object' && args !== null ? args : {}) as { a?: unknown; b?: unknown };
  if (Number(a) === 2 && Number(b) === 3) return { ok: true, verdict: 'called add(a=2, b=3) as asked' };
  return { ok: false, verdict: `called add with the wrong arguments ${call.arguments.slice(0, 80)}` };
}

export async function probeModel(models: ModelResolver, name: string, signal?: AbortSignal): Promise<ProbeResult> {
  const ready = await readyModel(models, name, 4096);
  const started = Date.now();
  const calls: ToolCallRequest[] = [];
  let text = '';
  try {
    for await (const event of ready.provider.stream({
      model: ready.model,
      messages: [
        { role: 'system', content: 'You are being tested. Use the tools you are given.' },
        { role: 'user', content: 'Use the add tool to add 2 and 3. Do not answer in words.' },
      ],
      tools: [ADD_TOOL],
      contextLength: 4096,
      maxOutputTokens: 256,
      temperature: 0,
      signal: signal ?? AbortSignal.timeout(120_000),
    })) {
      if (event.type === 'text') text += event.delta;
      if (event.type === 'tool_call') calls.push(event.call);
    }
  } catch (error) {
    if (error instanceof ProviderError)
      throw new AppError('unavailable', `${name} failed the probe: ${error.message}.`, error.hint);
    throw error;
  }
  return {
    model: name,
    ...judgeCalls(calls, text),
    latencyMs: Date.now() - started,
    contextLength: ready.info.contextLength,
  };
}
