// A run as OpenTelemetry spans in OTLP/JSON, following the GenAI semantic conventions: one
// `invoke_agent` span for the run, a `chat {model}` span per model call and an `execute_tool {tool}`
// span per tool call beneath it, with gen_ai.* attributes (provider, model, tokens, finish reasons,
// tool name, call id, arguments and result). Span ids come from the events' positions in the run, so
// they are unique whatever ids a provider gives its calls; a call the run never finished still gets a
// span, with an error status; attribute values are capped, and say where they were cut. Pure: the
// caller removes secrets from the events first.
import type { Content, RunEvent } from './events';

type AttributeValue =
  { stringValue: string } | { intValue: string } | { arrayValue: { values: { stringValue: string }[] } };

export interface OtelAttribute {
  key: string;
  value: AttributeValue;
}

export interface OtelSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 3 client. */
  kind: 1 | 3;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtelAttribute[];
  /** 0 unset, 2 error. */
  status: { code: 0 | 2; message?: string };
}

export interface OtelTrace {
  resourceSpans: {
    resource: { attributes: OtelAttribute[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtelSpan[] }[];
  }[];
}

/** A stable hex id of the given length from a string (FNV-1a, repeated with a salt). */
function hexId(text: string, length: 8 | 16 | 32): string {
  let out = '';
  for (let salt = 0; out.length < length; salt++) {
    let hash = 0x811c9dc5 ^ salt;
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    out += hash.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** The most characters an attribute value keeps: a whole tool output made an 8 MB export. */
export const MAX_ATTRIBUTE_CHARS = 16_384;

/** The text, or its start with a note of how much was cut. */
function capped(value: string, max = MAX_ATTRIBUTE_CHARS): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}… [cut: ${max} of ${value.length} characters kept]`;
}

const str = (key: string, value: string): OtelAttribute => ({ key, value: { stringValue: capped(value) } });
const int = (key: string, value: number): OtelAttribute => ({ key, value: { intValue: String(value) } });
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** `ollama/qwen2.5-coder:7b` → provider `ollama`, model `qwen2.5-coder:7b`. */
function splitModel(name: string): { provider: string; model: string } {
  const slash = name.indexOf('/');
  return slash <= 0
    ? { provider: 'unknown', model: name }
    : { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}

function text(content: Content | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.preview;
}

interface Context {
  runId: string;
  traceId: string;
  rootId: string;
  defaultModel: string;
}

/** A span id unique in the run: the run's hash, then the position of the event that started the span. */
function spanId(runId: string, seq: number): string {
  return `${hexId(runId, 8)}${seq.toString(16).padStart(8, '0')}`;
}

const INCOMPLETE = 'The run stopped before this call finished.';

type ModelStarted = Extract<RunEvent, { type: 'model.started' }>;
type ModelFinished = Extract<RunEvent, { type: 'model.finished' }>;
type ToolStarted = Extract<RunEvent, { type: 'tool.started' }>;
type ToolFinished = Extract<RunEvent, { type: 'tool.finished' }>;

function chatSpan(context: Context, started: ModelStarted | undefined, finished: ModelFinished | number): OtelSpan {
  const seq = started?.seq ?? (typeof finished === 'number' ? 0 : finished.seq);
  const { provider, model } = splitModel(started?.payload.model ?? context.defaultModel);
  const end = typeof finished === 'number' ? finished : finished.time;
  const base = {
    traceId: context.traceId,
    spanId: spanId(context.runId, seq),
    parentSpanId: context.rootId,
    name: `chat ${model}`,
    kind: 3 as const,
    startTimeUnixNano: nanos(started?.time ?? end),
    endTimeUnixNano: nanos(end),
  };
  const common = [
    str('gen_ai.operation.name', 'chat'),
    str('gen_ai.conversation.id', context.runId),
    str('gen_ai.provider.name', provider),
    str('gen_ai.request.model', model),
  ];
  if (typeof finished === 'number') {
    return {
      ...base,
      attributes: [...common, str('error.type', 'incomplete')],
      status: { code: 2, message: INCOMPLETE },
    };
  }
  const { usage, finishReason, error, callId } = finished.payload;
  const output = [
    {
      role: 'assistant',
      parts: [
        { type: 'text', content: text(finished.payload.text) },
        ...finished.payload.toolCalls.map((call) => ({
          type: 'tool_call',
          id: call.id,
          name: call.name,
          arguments: call.args,
        })),
      ],
      finish_reason: finishReason,
    },
  ];
  return {
    ...base,
    attributes: [
      ...common,
      str('gen_ai.response.model', model),
      str('gen_ai.response.id', callId),
      { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: finishReason }] } } },
      int('gen_ai.usage.input_tokens', usage.inputTokens),
      int('gen_ai.usage.output_tokens', usage.outputTokens),
      str('gen_ai.output.messages', JSON.stringify(output)),
      ...(error === undefined ? [] : [str('error.type', 'model_error')]),
    ],
    status: error === undefined ? { code: 0 } : { code: 2, message: capped(text(error), 1024) },
  };
}

function toolSpan(context: Context, started: ToolStarted, finished: ToolFinished | number): OtelSpan {
  const end = typeof finished === 'number' ? finished : finished.time;
  const output = typeof finished === 'number' ? undefined : text(finished.payload.output);
  const failed = typeof finished === 'number' || finished.payload.isError;
  const errorType = typeof finished === 'number' ? 'incomplete' : 'tool_error';
  return {
    traceId: context.traceId,
    spanId: spanId(context.runId, started.seq),
    parentSpanId: context.rootId,
    name: `execute_tool ${started.payload.tool}`,
    kind: 1,
    startTimeUnixNano: nanos(started.time),
    endTimeUnixNano: nanos(end),
    attributes: [
      str('gen_ai.operation.name', 'execute_tool'),
      str('gen_ai.conversation.id', context.runId),
      str('gen_ai.tool.name', started.payload.tool),
      str('gen_ai.tool.type', 'function'),
      str('gen_ai.tool.call.id', started.payload.callId),
      str('gen_ai.tool.call.arguments', JSON.stringify(started.payload.args) ?? 'null'),
      ...(output === undefined ? [] : [str('gen_ai.tool.call.result', output)]),
      ...(failed ? [str('error.type', errorType)] : []),
    ],
    status: failed ? { code: 2, message: output === undefined ? INCOMPLETE : capped(output, 240) } : { code: 0 },
  };
}

/** A span per model call and tool call, in the order they ended; those never ended come last. */
function callSpans(events: readonly RunEvent[], context: Context): OtelSpan[] {
  const spans: OtelSpan[] = [];
  const models = new Map<string, ModelStarted>();
  const tools = new Map<string, ToolStarted>();
  for (const event of events) {
    if (event.type === 'model.started') models.set(event.payload.callId, event);
    if (event.type === 'tool.started') tools.set(event.payload.callId, event);
    if (event.type === 'model.finished') {
      spans.push(chatSpan(context, models.get(event.payload.callId), event));
      models.delete(event.payload.callId);
    }
    if (event.type === 'tool.finished') {
      const started = tools.get(event.payload.callId);
      if (started === undefined) continue;
      spans.push(toolSpan(context, started, event));
      tools.delete(event.payload.callId);
    }
  }
  const end = events.at(-1)!.time;
  for (const started of models.values()) spans.push(chatSpan(context, started, end));
  for (const started of tools.values()) spans.push(toolSpan(context, started, end));
  return spans;
}

export function otelTrace(events: readonly RunEvent[], version: string): OtelTrace {
  const created = events.find((event) => event.type === 'run.created');
  if (created?.type !== 'run.created') throw new Error('A run to export has no run.created event.');
  const runId = created.runId;
  const context: Context = {
    runId,
    traceId: hexId(runId, 32),
    rootId: spanId(runId, created.seq),
    defaultModel: created.payload.model,
  };
  // The run's last status says how it ended (a failed run may have been resumed and finished since).
  const ended = events.findLast((event) => event.type === 'run.status');
  const failure =
    ended?.type === 'run.status' && ended.payload.status === 'failed' ? text(ended.payload.reason) : undefined;
  const root: OtelSpan = {
    traceId: context.traceId,
    spanId: context.rootId,
    name: 'invoke_agent looplab',
    kind: 1,
    startTimeUnixNano: nanos(created.time),
    endTimeUnixNano: nanos(events.at(-1)!.time),
    attributes: [
      str('gen_ai.operation.name', 'invoke_agent'),
      str('gen_ai.agent.name', 'looplab'),
      str('gen_ai.conversation.id', runId),
      str('gen_ai.request.model', splitModel(created.payload.model).model),
      str('gen_ai.provider.name', splitModel(created.payload.model).provider),
      ...(failure === undefined ? [] : [str('error.type', 'run_failed')]),
    ],
    status: failure === undefined ? { code: 0 } : { code: 2, message: capped(failure, 1024) },
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'looplab'), str('service.version', version)] },
        scopeSpans: [{ scope: { name: 'looplab', version }, spans: [root, ...callSpans(events, context)] }],
      },
    ],
  };
}
