// The four checks of a model's probe, each one conversation and a judge of the model's next reply:
// it calls a tool with the right arguments; given a tool's answer, it uses it in the next step; given a
// tool's error, it retries with corrected arguments; once the task is done, it answers without a call.
// Each conversation is complete up to the step judged, so one failed check does not spoil the next.
import type { ProbeCheckId } from '../../shared/model-probe';
import type { ChatMessage, ToolCallRequest, ToolSpec } from '../core/model';

/** A call the model made: sent as a call, or written as text and recovered (then its format). */
export type ProbeCall = ToolCallRequest & { recoveredFrom?: string };

export interface ProbeReply {
  text: string;
  calls: readonly ProbeCall[];
}

export interface Judgement {
  passed: boolean;
  verdict: string;
  /** The call judged, when the verdict is about one. */
  call?: ProbeCall;
}

export interface ProbeCheckSpec {
  id: ProbeCheckId;
  messages: ChatMessage[];
  tools: ToolSpec[];
  judge(reply: ProbeReply): Judgement;
}

const ADD_TOOL: ToolSpec = {
  name: 'add',
  description: 'Adds two integers and returns the sum.',
  parameters: {
    type: 'object',
    properties: { a: { type: 'integer' }, b: { type: 'integer' } },
    required: ['a', 'b'],
  },
};

const LOOKUP_TOOL: ToolSpec = {
  name: 'lookup',
  description: 'Returns the number stored under a key.',
  parameters: {
    type: 'object',
    properties: { key: { type: 'string', description: 'the key, in lower case' } },
    required: ['key'],
  },
};

const SYSTEM: ChatMessage = {
  role: 'system',
  content: 'You are being tested. Call a tool when the task needs one; once the task is done, answer in words.',
};

/** The conversation so far: the task, then calls the model made and what each tool answered. */
function conversation(task: string, steps: { call: ToolCallRequest; answer: string; isError?: boolean }[]) {
  const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: task }];
  for (const { call, answer, isError } of steps) {
    messages.push({ role: 'assistant', content: '', toolCalls: [call] });
    messages.push({
      role: 'tool',
      toolCallId: call.id,
      toolName: call.name,
      content: answer,
      ...(isError === true && { isError }),
    });
  }
  return messages;
}

function argsOf(call: ToolCallRequest): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(call.arguments) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `add(a=2, b=3)`: a call as a person reads it. */
export function showCall(call: ToolCallRequest): string {
  const args = argsOf(call);
  if (args === undefined) return `${call.name.slice(0, 60)}(${call.arguments.slice(0, 80)})`;
  const shown = Object.entries(args)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
  return `${call.name.slice(0, 60)}(${shown.slice(0, 120)})`;
}

function quoted(text: string): string {
  const said = text.trim().replace(/\s+/g, ' ').slice(0, 80);
  return said === '' ? '' : ` ("${said}")`;
}

/** Whether the call adds exactly these two numbers, in either order. */
function adds(call: ToolCallRequest, x: number, y: number): boolean {
  const args = argsOf(call);
  if (call.name !== 'add' || args === undefined) return false;
  const [a, b] = [Number(args.a), Number(args.b)];
  return (a === x && b === y) || (a === y && b === x);
}

const callsTool: ProbeCheckSpec = {
  id: 'calls_tool',
  messages: conversation('Use the add tool to add 2 and 3. Do not answer in words.', []),
  tools: [ADD_TOOL],
  judge({ text, calls }) {
    const call = calls[0];
    if (call === undefined)
      return { passed: false, verdict: `answered in words instead of calling the tool${quoted(text)}` };
    if (call.name !== 'add')
      return { passed: false, verdict: `called an unknown tool "${call.name.slice(0, 60)}"`, call };
    if (argsOf(call) === undefined)
      return { passed: false, verdict: 'called add with arguments that are not JSON', call };
    if (adds(call, 2, 3)) return { passed: true, verdict: `called ${showCall(call)} as asked`, call };
    return { passed: false, verdict: `called add with the wrong arguments: ${showCall(call)}`, call };
  },
};

const lookupApples: ToolCallRequest = { id: 'probe-lookup-1', name: 'lookup', arguments: '{"key":"apples"}' };

const followsResult: ProbeCheckSpec = {
  id: 'follows_result',
  messages: conversation(
    'Look up the number stored under "apples" with the lookup tool, then add 10 to it with the add tool.',
    [{ call: lookupApples, answer: '37' }],
  ),
  tools: [LOOKUP_TOOL, ADD_TOOL],
  judge({ text, calls }) {
    const call = calls[0];
    if (call !== undefined && adds(call, 37, 10))
      return { passed: true, verdict: `used the tool's answer 37 in the next call, ${showCall(call)}`, call };
    if (call !== undefined && call.name === 'lookup')
      return { passed: false, verdict: `looked up again (${showCall(call)}) instead of using the answer 37`, call };
    if (call !== undefined)
      return { passed: false, verdict: `did not use the tool's answer 37: called ${showCall(call)}`, call };
    if (/\b47\b/.test(text)) return { passed: true, verdict: `answered 47 from the tool's answer 37${quoted(text)}` };
    return { passed: false, verdict: `answered without using the tool's answer 37${quoted(text)}` };
  },
};

const lookupWrong: ToolCallRequest = { id: 'probe-lookup-1', name: 'lookup', arguments: '{"key":"APPLES"}' };

const recoversError: ProbeCheckSpec = {
  id: 'recovers_error',
  messages: conversation('Find the number stored under "apples" with the lookup tool.', [
    {
      call: lookupWrong,
      answer: 'Error: no number is stored under "APPLES". Keys are in lower case.',
      isError: true,
    },
  ]),
  tools: [LOOKUP_TOOL],
  judge({ text, calls }) {
    const call = calls[0];
    if (call === undefined) return { passed: false, verdict: `gave up after the tool's error${quoted(text)}` };
    const key = argsOf(call)?.key;
    if (call.name === 'lookup' && key === 'apples')
      return { passed: true, verdict: `retried with corrected arguments, ${showCall(call)}`, call };
    if (call.name === 'lookup' && key === 'APPLES')
      return { passed: false, verdict: `repeated the failing call ${showCall(call)} after the error`, call };
    return { passed: false, verdict: `did not correct the call after the error: called ${showCall(call)}`, call };
  },
};

const addTwoThree: ToolCallRequest = { id: 'probe-add-1', name: 'add', arguments: '{"a":2,"b":3}' };

const stopsWhenDone: ProbeCheckSpec = {
  id: 'stops_when_done',
  messages: conversation('Add 2 and 3 with the add tool, then tell me the sum.', [{ call: addTwoThree, answer: '5' }]),
  tools: [ADD_TOOL],
  judge({ text, calls }) {
    const call = calls[0];
    if (call !== undefined)
      return { passed: false, verdict: `called ${showCall(call)} again after the task was done`, call };
    if (text.trim() === '') return { passed: false, verdict: 'answered nothing once the task was done' };
    if (/\b5\b/.test(text)) return { passed: true, verdict: `answered without another call${quoted(text)}` };
    return { passed: true, verdict: `stopped, though its answer does not give the sum 5${quoted(text)}` };
  },
};

/** The checks in the order they run. */
export const probeChecks: readonly ProbeCheckSpec[] = [callsTool, followsResult, recoversError, stopsWhenDone];
