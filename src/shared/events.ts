// The event log's vocabulary. A run is nothing but an ordered list of these events; every view of a
// run (its state, its graph, the CLI's output) is derived from them by pure functions.
import { z } from 'zod';
import { jobResumeSchema, jobWatchSchema } from './job-watches';
import { approvalRuleSchema, budgetSchema, loopConfigSchema } from './loop-config';
import { modelProfileSchema } from './model-profiles';

/** Strings longer than this are stored once as content-addressed blobs instead of inline. */
export const BLOB_THRESHOLD_BYTES = 8 * 1024;
export const BLOB_PREVIEW_CHARS = 240;

export const blobRefSchema = z.object({
  $blob: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  preview: z.string(),
});
export type BlobRef = z.infer<typeof blobRefSchema>;

/** Free text that may be large: inline when small, a blob reference once stored. */
export const contentSchema = z.union([z.string(), blobRefSchema]);
export type Content = z.infer<typeof contentSchema>;

// Short fields are bounded below the blob threshold so that only `content` fields and free-form
// arguments can ever become blob references.
const name = z.string().min(1).max(512);
const ref = z.string().min(1).max(128);

/** A field an MCP server asks the person for (the spec's restricted schema: string, number, boolean, choice). */
const elicitationFieldSchema = z.object({
  name: z.string().min(1).max(128),
  type: z.enum(['string', 'number', 'integer', 'boolean']),
  title: z.string().max(500).optional(),
  description: z.string().max(2000).optional(),
  required: z.boolean(),
  /** The values a choice allows. */
  options: z.array(z.string().max(500)).max(100).optional(),
  default: z.union([z.string().max(2000), z.number(), z.boolean()]).optional(),
});
export type ElicitationField = z.infer<typeof elicitationFieldSchema>;
const elicitationFormSchema = z.object({
  server: z.string().min(1).max(40),
  message: z.string().max(10_000),
  fields: z.array(elicitationFieldSchema).max(50),
});
export type ElicitationForm = z.infer<typeof elicitationFormSchema>;
const count = z.number().int().nonnegative();

export const runStatuses = ['running', 'waiting', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'] as const;
export const runStatusSchema = z.enum(runStatuses);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const terminalStatuses: readonly RunStatus[] = ['finished', 'failed', 'stalled', 'stopped'];

export const usageSchema = z.object({
  inputTokens: count,
  outputTokens: count,
  /** Of the input tokens, those read from and written to a provider's prompt cache (priced apart). */
  cacheReadTokens: count.optional(),
  cacheWriteTokens: count.optional(),
  /** Of the output tokens, those a thinking model spent on reasoning, where the server says. */
  reasoningTokens: count.optional(),
  cost: z.number().nonnegative().default(0),
});
export type Usage = z.infer<typeof usageSchema>;

export const toolCallSchema = z.object({
  id: ref,
  name,
  args: z.unknown(),
  /** Written by the model as text in this format rather than sent as a call, and recovered from it. */
  recoveredFrom: z.enum(['hermes', 'json-block', 'mistral', 'llama']).optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const forkPointSchema = z.object({ runId: ref, seq: count });

export const eventPayloadSchemas = {
  'run.created': z.object({
    goal: contentSchema,
    model: name,
    parent: forkPointSchema.optional(),
    origin: z.enum(['new', 'fork', 'replay', 'spec']).default('new'),
    config: loopConfigSchema.optional(),
  }),
  'run.status': z.object({ status: runStatusSchema, reason: contentSchema.optional() }),
  /** A message to the model: from the person, or from the harness (a correction, a budget notice). */
  /** New limits given when the run was resumed; they replace those of run.created from here on. */
  'run.limits': z.object({ maxSteps: count.optional(), budget: budgetSchema.optional() }),
  /** A rule the person added while answering the approval of `callId`; it comes first from here on. */
  'run.rule': z.object({ rule: approvalRuleSchema, callId: ref.optional() }),
  'message.user': z.object({ text: contentSchema, source: z.enum(['person', 'harness']).optional() }),
  /** `profile`: how the model was run, where a model profile said (src/shared/model-profiles.ts). */
  'model.started': z.object({ callId: ref, model: name, profile: modelProfileSchema.optional() }),
  'model.finished': z.object({
    callId: ref,
    text: contentSchema,
    /** A thinking model's reasoning, kept apart from its words and never sent back to it. */
    thinking: contentSchema.optional(),
    toolCalls: z.array(toolCallSchema).default([]),
    finishReason: z.enum(['stop', 'tool_calls', 'length', 'error', 'interrupted']),
    usage: usageSchema,
    error: contentSchema.optional(),
  }),
  'tool.started': z.object({ callId: ref, tool: name, args: z.unknown() }),
  'tool.finished': z.object({ callId: ref, output: contentSchema, isError: z.boolean() }),
  /**
   * A question for the person: may a tool call run (`call`, also when absent: recorded before kinds
   * existed), may a run that repeats itself go on (`stall`; `tool` is the repeated one), or may the
   * sandbox reach a host its allow-list does not name (`network`; `host` is `name:port`)?
   */
  'approval.requested': z.object({
    callId: ref,
    tool: name,
    summary: contentSchema,
    rule: name.optional(),
    kind: z.enum(['call', 'stall', 'network', 'elicitation']).optional(),
    host: z.string().min(1).max(300).optional(),
    /** For an `elicitation`: what an MCP server asks the person to fill in. */
    form: elicitationFormSchema.optional(),
  }),
  'approval.resolved': z.object({
    callId: ref,
    decision: z.enum(['approved', 'rejected']),
    feedback: contentSchema.optional(),
  }),
  'job.started': z.object({
    jobId: ref,
    callId: ref.optional(),
    command: contentSchema,
    gpu: z.boolean(),
    timeoutSeconds: count.optional(),
    /** What the job is watched for, and whether it resumes by itself once killed (see job-watches.ts). */
    watches: z.array(jobWatchSchema).max(16).optional(),
    resume: jobResumeSchema.optional(),
    /** The compute target it runs on (settings.json's `targets`); this machine's engine when absent. */
    target: z.string().min(1).max(40).optional(),
  }),
  /** Values the job printed; `source: 'gpu'` for the GPU's utilisation and memory, sampled by Looplab. */
  'job.metric': z.object({
    jobId: ref,
    step: count.optional(),
    values: z.record(z.string().max(128), z.number()),
    source: z.literal('gpu').optional(),
  }),
  /** A watch of the job fired: what it saw, in words, and at which step. */
  'job.watch': z.object({ jobId: ref, watch: jobWatchSchema, message: name, step: count.optional() }),
  /** How far the job says it is (`12/100`), at most once a minute, and when it should end at that pace. */
  'job.progress': z.object({ jobId: ref, done: count, total: count, etaSeconds: count }),
  /**
   * The ended job runs again (the same id, log and metric series) from a checkpoint folder it wrote:
   * asked with job_resume (`callId`) or by itself (`auto`). Metric lines at or before `fromStep` are dropped.
   */
  'job.resumed': z.object({
    jobId: ref,
    callId: ref.optional(),
    checkpoint: name,
    fromStep: count.optional(),
    auto: z.boolean(),
  }),
  'job.finished': z.object({
    jobId: ref,
    status: z.enum(['succeeded', 'failed', 'cancelled']),
    exitCode: z.number().int().nullable(),
    /** What its time on a compute target with a rate cost (settings.json's `costPerHour`/`costPerGpuHour`). */
    cost: z.number().nonnegative().optional(),
  }),
  /**
   * The loop waits without calling its model: a GPU job (`jobId`) holds the GPU that serves the run's
   * own model (a local Ollama). `reason` says so for the person.
   */
  'loop.parked': z.object({ jobId: ref, reason: name }),
  /** The parked loop goes on: the job ended, a watch on it fired, or the person acted. */
  'loop.woke': z.object({ jobId: ref, reason: z.enum(['job-ended', 'watch-fired', 'person']) }),
  /**
   * A connection from the run's sandbox (a command or a job) through its egress proxy, once closed:
   * where to, whether the allow-list (or the person) let it through, the bytes each way and how long.
   */
  'network.request': z.object({
    host: z.string().min(1).max(300),
    port: z.number().int().min(0).max(65535),
    allowed: z.boolean(),
    bytesOut: count,
    bytesIn: count,
    durationMs: count,
    reason: name.optional(),
  }),
  /** A file a run produced (a job's outputs under /workspace/outputs), by its workspace path. */
  'artifact.recorded': z.object({ path: name, bytes: count, jobId: ref.optional() }),
  'evaluation.recorded': z.object({
    evalId: ref,
    metric: name,
    value: z.number(),
    target: z.number().optional(),
    attempt: count.optional(),
    /** Which way is better; higher when absent. */
    better: z.enum(['higher', 'lower']).optional(),
    /** The evaluation command's output (its tail), when the harness ran one. */
    output: contentSchema.optional(),
    /** An attempt's comparison: the baseline it had to beat by `margin` (its `target` includes that). */
    baseline: z.object({ label: name, value: z.number(), margin: z.number().nonnegative() }).optional(),
    /** Set on the baseline's own score (`label` says what it is), which is no attempt. */
    role: z.literal('baseline').optional(),
    label: name.optional(),
  }),
  /** The harness's evaluation of an attempt gave no metric: the command failed, timed out or printed none. */
  'evaluation.failed': z.object({ evalId: ref, metric: name, attempt: count, reason: name, output: contentSchema }),
  /**
   * Everything before `keepFromSeq` (but the goal) is replaced by `summary` in what the model sees;
   * `usage` is the model call that wrote the summary (absent in runs recorded before it was kept).
   */
  'context.compacted': z.object({
    tokensBefore: count,
    tokensAfter: count,
    summary: contentSchema,
    keepFromSeq: count,
    usage: usageSchema.optional(),
  }),
  'plan.updated': z.object({
    items: z.array(z.object({ text: name, status: z.enum(['pending', 'in_progress', 'done']) })),
  }),
  /**
   * The run's workspace as the harness captured it: the manifest's blob hash (null when skipped, with
   * the reason), after the tool call or job named. The latest one at or before a seq is the workspace
   * at that seq; one is recorded only when the workspace changed.
   */
  'workspace.snapshot': z.object({
    manifest: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    files: count,
    bytes: count,
    /** Bytes of content this snapshot stored that no earlier snapshot or blob had. */
    newBytes: count,
    callId: ref.optional(),
    jobId: ref.optional(),
    skipped: name.optional(),
    /** Files left out of this snapshot, with why (one that holds a known secret value is never stored). */
    withheld: z
      .array(z.object({ path: z.string().min(1).max(4096), reason: name }))
      .max(1000)
      .optional(),
  }),
  /**
   * A replay's first tool result that differs from the recording (after normalisation, see
   * replay-normalize.ts): at model turn `step`, what the recording had and what the tool gave now.
   */
  'replay.diverged': z.object({
    step: count,
    callId: ref,
    tool: name,
    expected: contentSchema,
    got: contentSchema,
    expectedError: z.boolean(),
    gotError: z.boolean(),
    then: z.enum(['stop', 'continue']),
  }),
} as const;

export type EventType = keyof typeof eventPayloadSchemas;
export type EventPayload<T extends EventType> = z.infer<(typeof eventPayloadSchemas)[T]>;
export const eventTypes = Object.keys(eventPayloadSchemas) as EventType[];

/** An event before the store gives it a place in its run. */
export type EventDraft = { [T in EventType]: { type: T; payload: EventPayload<T>; time?: number } }[EventType];

/** An event as stored: its run, its position (seq, from 0) and the time it was recorded (ms). */
export type RunEvent = {
  [T in EventType]: { runId: string; seq: number; time: number; type: T; payload: EventPayload<T> };
}[EventType];

const draftSchema = z.discriminatedUnion(
  'type',
  eventTypes.map((type) =>
    z.object({ type: z.literal(type), payload: eventPayloadSchemas[type], time: z.number().int().optional() }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** Validates an event draft, filling defaults; throws a ZodError naming the bad field. */
export function parseDraft(value: unknown): EventDraft {
  return draftSchema.parse(value) as EventDraft;
}

export function isBlobRef(value: unknown): value is BlobRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $blob?: unknown }).$blob === 'string' &&
    typeof (value as { size?: unknown }).size === 'number'
  );
}

/** The text of a content field, or its preview when it is stored as a blob. */
export function previewText(content: Content | undefined, maxChars = BLOB_PREVIEW_CHARS): string {
  if (content === undefined) return '';
  const text = typeof content === 'string' ? content : content.preview;
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
