// A run as OpenTelemetry spans in OTLP/JSON, following the GenAI semantic conventions: one
// `invoke_agent` span for the run, a `chat {model}` span per model call and an `execute_tool {tool}`
// span per tool call beneath it, with gen_ai.* attributes (provider, model, tokens, finish reasons,
// tool name, call id, arguments and result). Pure: the caller removes secrets from the events first.
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
function hexId(text: string, length: 16 | 32): string {
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

const str = (key: string, value: string): OtelAttribute => ({ key, value: { stringValue: value } });
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

export function otelTrace(events: readonly RunEvent[], version: string): OtelTrace {
  const created = events.find((event) => event.type === 'run.created');
  if (created?.type !== 'run.created') throw new Error('A run to export has no run.created event.');
  const runId = created.runId;
  const traceId = hexId(runId, 32);
  const rootId = hexId(`${runId}:root`, 16);
  const last = events.at(-1)!;
  const spans: OtelSpan[] = [];
  const models = new Map<string, { time: number; model: string }>();
  const tools = new Map<string, { time: number; tool: string; args: unknown }>();
  let failure: string | undefined;
  for (const event of events) {
    if (event.type === 'model.started')
      models.set(event.payload.callId, { time: event.time, model: event.payload.model });
    if (event.type === 'tool.started')
      tools.set(event.payload.callId, { time: event.time, tool: event.payload.tool, args: event.payload.args });
    if (event.type === 'run.status' && event.payload.status === 'failed') failure = text(event.payload.reason);
    if (event.type === 'model.finished') {
      const started = models.get(event.payload.callId);
      const { provider, model } = splitModel(started?.model ?? created.payload.model);
      const { usage, finishReason, error } = event.payload;
      spans.push({
        traceId,
        spanId: hexId(`${runId}:model:${event.payload.callId}`, 16),
        parentSpanId: rootId,
        name: `chat ${model}`,
        kind: 3,
        startTimeUnixNano: nanos(started?.time ?? event.time),
        endTimeUnixNano: nanos(event.time),
        attributes: [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.provider.name', provider),
          str('gen_ai.request.model', model),
          str('gen_ai.response.model', model),
          str('gen_ai.response.id', event.payload.callId),
          { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: finishReason }] } } },
          int('gen_ai.usage.input_tokens', usage.inputTokens),
          int('gen_ai.usage.output_tokens', usage.outputTokens),
          str(
            'gen_ai.output.messages',
            JSON.stringify([
              {
                role: 'assistant',
                parts: [
                  { type: 'text', content: text(event.payload.text) },
                  ...event.payload.toolCalls.map((call) => ({
                    type: 'tool_call',
                    id: call.id,
                    name: call.name,
                    arguments: call.args,
                  })),
                ],
                finish_reason: finishReason,
              },
            ]),
          ),
          ...(error === undefined ? [] : [str('error.type', 'model_error')]),
        ],
        status: error === undefined ? { code: 0 } : { code: 2, message: text(error) },
      });
    }
    if (event.type === 'tool.finished') {
      const started = tools.get(event.payload.callId);
      if (started === undefined) continue;
      const { isError, output } = event.payload;
      spans.push({
        traceId,
        spanId: hexId(`${runId}:tool:${event.payload.callId}`, 16),
        parentSpanId: rootId,
        name: `execute_tool ${started.tool}`,
        kind: 1,
        startTimeUnixNano: nanos(started.time),
        endTimeUnixNano: nanos(event.time),
        attributes: [
          str('gen_ai.operation.name', 'execute_tool'),
          str('gen_ai.tool.name', started.tool),
          str('gen_ai.tool.type', 'function'),
          str('gen_ai.tool.call.id', event.payload.callId),
          str('gen_ai.tool.call.arguments', JSON.stringify(started.args)),
          str('gen_ai.tool.call.result', text(output)),
          ...(isError ? [str('error.type', 'tool_error')] : []),
        ],
        status: isError ? { code: 2, message: text(output).slice(0, 240) } : { code: 0 },
      });
    }
  }
  const root: OtelSpan = {
    traceId,
    spanId: rootId,
    name: 'invoke_agent looplab',
    kind: 1,
    startTimeUnixNano: nanos(created.time),
    endTimeUnixNano: nanos(last.time),
    attributes: [
      str('gen_ai.operation.name', 'invoke_agent'),
      str('gen_ai.agent.name', 'looplab'),
      str('gen_ai.conversation.id', runId),
      str('gen_ai.request.model', splitModel(created.payload.model).model),
      str('gen_ai.provider.name', splitModel(created.payload.model).provider),
    ],
    status: failure === undefined ? { code: 0 } : { code: 2, message: failure },
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'looplab'), str('service.version', version)] },
        scopeSpans: [{ scope: { name: 'looplab', version }, spans: [root, ...spans] }],
      },
    ],
  };
}
