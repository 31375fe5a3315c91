// `looplab export --format otel` (the same otelJson the CLI and the UI call) over runs recorded in a real
// data folder, read strictly as a collector reads OTLP/JSON: every span id unique in the run even where
// a provider reuses its call ids, a call that never finished still traced (with an error), error.type on
// every failed span, the conversation id on chat spans, and attribute values kept to a size.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp, type App } from '../../src/main/app';
import { otelJson } from '../../src/main/runs/run-export';
import type { EventDraft } from '../../src/shared/events';
import { MAX_ATTRIBUTE_CHARS } from '../../src/shared/otel-spans';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const hex = (length: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${length}}$`))
    .refine((id) => /[^0]/.test(id));
const nanos = z.string().regex(/^\d+$/);
const anyValue = z.union([
  z.strictObject({ stringValue: z.string() }),
  z.strictObject({ intValue: z.string().regex(/^-?\d+$/) }),
  z.strictObject({ arrayValue: z.strictObject({ values: z.array(z.strictObject({ stringValue: z.string() })) }) }),
]);
const keyValue = z.strictObject({ key: z.string().min(1), value: anyValue });
const spanSchema = z.strictObject({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: hex(16).optional(),
  name: z.string().min(1),
  kind: z.union([z.literal(1), z.literal(3)]),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: z.array(keyValue),
  status: z.strictObject({ code: z.union([z.literal(0), z.literal(2)]), message: z.string().optional() }),
});
/** OTLP/JSON ExportTraceServiceRequest, strict: no field a collector would not know. */
const traceSchema = z.strictObject({
  resourceSpans: z.array(
    z.strictObject({
      resource: z.strictObject({ attributes: z.array(keyValue) }),
      scopeSpans: z.array(
        z.strictObject({
          scope: z.strictObject({ name: z.string(), version: z.string() }),
          spans: z.array(spanSchema),
        }),
      ),
    }),
  ),
});
type Span = z.infer<typeof spanSchema>;

let home: TempHome;
let app: App;

beforeEach(() => {
  home = makeTempHome('looplab-otel-');
  app = createApp({ home: home.paths.root, ui: 'web' });
});

afterEach(async () => {
  await app.shutdown();
  home.remove();
});

const usage = { inputTokens: 10, outputTokens: 5, cost: 0 };
const model = (callId: string, calls: string[]): EventDraft[] => [
  { type: 'model.started', payload: { callId, model: 'ollama/qwen2.5-coder:7b' } },
  {
    type: 'model.finished',
    payload: {
      callId,
      text: '',
      toolCalls: calls.map((id) => ({ id, name: 'bash', args: { command: 'ls' } })),
      finishReason: 'tool_calls',
      usage,
    },
  },
];
const tool = (callId: string, output: string, isError = false): EventDraft[] => [
  { type: 'tool.started', payload: { callId, tool: 'bash', args: { command: 'ls' } } },
  { type: 'tool.finished', payload: { callId, output, isError } },
];

/** Records a run with these events and exports it, checked against the OTLP/JSON schema. */
function exported(drafts: EventDraft[]): { runId: string; spans: Span[]; text: string } {
  const { runId } = app.store.createRun({ goal: 'List files', model: 'ollama/qwen2.5-coder:7b', origin: 'new' });
  app.store.append(runId, drafts);
  const text = otelJson(app.store, runId);
  const trace = traceSchema.parse(JSON.parse(text));
  return { runId, spans: trace.resourceSpans[0]!.scopeSpans[0]!.spans, text };
}

const attributes = (span: Span) =>
  Object.fromEntries(span.attributes.map((attribute) => [attribute.key, Object.values(attribute.value)[0]]));

describe('OpenTelemetry export', () => {
  it('gives every span an id of its own where a provider reuses call ids', () => {
    // A server that numbers the calls of each reply from call_0 again.
    const { spans } = exported([
      ...model('m1', ['call_0']),
      ...tool('call_0', 'a.txt'),
      ...model('m2', ['call_0']),
      ...tool('call_0', 'b.txt'),
    ]);
    expect(spans.map((span) => span.name)).toEqual([
      'invoke_agent looplab',
      'chat qwen2.5-coder:7b',
      'execute_tool bash',
      'chat qwen2.5-coder:7b',
      'execute_tool bash',
    ]);
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
    expect(spans.slice(1).every((span) => span.parentSpanId === spans[0]!.spanId)).toBe(true);
  });

  it('traces calls that never finished as errors, and names the error type of every failed span', () => {
    const { runId, spans } = exported([
      ...model('m1', ['c1', 'c2']),
      ...tool('c1', 'command not found', true),
      { type: 'tool.started', payload: { callId: 'c2', tool: 'bash', args: { command: 'sleep 100' } } },
      { type: 'model.started', payload: { callId: 'm2', model: 'ollama/qwen2.5-coder:7b' } },
      { type: 'run.status', payload: { status: 'failed', reason: 'Looplab failed: the disk is full' } },
    ]);
    const byName = spans.map((span) => [span.name, span.status.code, attributes(span)['error.type']]);
    expect(byName).toEqual([
      ['invoke_agent looplab', 2, 'run_failed'],
      ['chat qwen2.5-coder:7b', 0, undefined],
      ['execute_tool bash', 2, 'tool_error'],
      ['chat qwen2.5-coder:7b', 2, 'incomplete'],
      ['execute_tool bash', 2, 'incomplete'],
    ]);
    expect(spans[4]!.status.message).toBe('The run stopped before this call finished.');
    expect(attributes(spans[4]!)['gen_ai.tool.call.id']).toBe('c2');
    for (const chat of spans.filter((span) => span.name.startsWith('chat'))) {
      expect(attributes(chat)['gen_ai.conversation.id']).toBe(runId);
    }
  });

  it('caps attribute values and says where they were cut', () => {
    const output = 'x'.repeat(1_000_000);
    const { spans, text } = exported([...model('m1', ['c1']), ...tool('c1', output)]);
    const result = attributes(spans[2]!)['gen_ai.tool.call.result'] as string;
    expect(result).toBe(`${'x'.repeat(MAX_ATTRIBUTE_CHARS)}… [cut: ${MAX_ATTRIBUTE_CHARS} of 1000000 characters kept]`);
    expect(text.length).toBeLessThan(100_000);
  });
});
