// The requests of the contract between the main process and the UI: one zod schema per channel,
// validated once at the boundary (Electron IPC or the web bridge), with the ids they share.
import { z } from 'zod';
import type { RequestChannel } from './channels';
import { runStatusSchema } from './events';
import { approvalRuleSchema, budgetSchema } from './loop-config';
import { secretNameSchema, settingsPatchSchema } from './settings';
import { imageRecipes } from './sandbox-image';
import { workspaceDiffInput, workspaceFileInput, workspaceFilesInput } from './workspace-files';

export const runIdSchema = z.string().regex(/^run_[0-9a-z]{1,64}$/, 'a run id looks like run_…');
export const jobIdSchema = z.string().regex(/^job_[0-9a-z]{1,64}$/, 'a job id looks like job_…');
/** A file of a run, by its path inside the run's workspace (as artifact.recorded names it). */
export const runFileSchema = z
  .object({ runId: runIdSchema, path: z.string().min(1, 'name the file').max(1024) })
  .strict();
export const blobHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a blob hash is 64 hex digits');

/** A replay's grants for a run from elsewhere: this machine's runtime, the network, its MCP servers. */
export const replayGrantsSchema = z
  .object({ host: z.boolean().default(false), network: z.boolean().default(false), mcp: z.boolean().default(false) })
  .strict();
export type ReplayGrantsInput = z.infer<typeof replayGrantsSchema>;

export const requestSchemas = {
  'app.info': z.object({}).strict(),
  'runs.list': z
    .object({
      limit: z.number().int().min(1).max(1000).default(200),
      offset: z.number().int().min(0).default(0),
      status: runStatusSchema.optional(),
    })
    .strict(),
  'runs.get': z.object({ runId: runIdSchema }).strict(),
  'runs.search': z
    .object({ query: z.string().trim().min(1).max(500), limit: z.number().int().min(1).max(200).default(50) })
    .strict(),
  'runs.start': z
    .object({
      goal: z.string().trim().min(1, 'say what the run should do').max(100_000),
      model: z.string().min(3).max(300).optional(),
      maxSteps: z.number().int().positive().max(10_000).optional(),
      rules: z.array(approvalRuleSchema).max(200).optional(),
      budget: budgetSchema.optional(),
      runtime: z.enum(['sandbox', 'host']).optional(),
      contextLength: z.number().int().min(512).max(2_000_000).optional(),
      /** The run this one runs again ("Run again"): recorded as its parent, shown as its lineage. */
      parent: runIdSchema.optional(),
    })
    .strict(),
  'runs.stop': z.object({ runId: runIdSchema }).strict(),
  'runs.resume': z
    .object({
      runId: runIdSchema,
      maxSteps: z.number().int().positive().max(10_000).optional(),
      budget: budgetSchema.optional(),
    })
    .strict(),
  'runs.fork': z
    .object({
      runId: runIdSchema,
      /** The event to fork from: the new run has the conversation and the workspace as they were there. */
      seq: z.number().int().min(0),
      message: z.string().trim().min(1, 'say what the fork should do').max(100_000).optional(),
      model: z.string().min(3).max(300).optional(),
      /** The other answer to an approval that was waiting at that event. */
      decision: z.enum(['approved', 'rejected']).optional(),
      feedback: z.string().max(10_000).optional(),
    })
    .strict(),
  'approvals.decide': z.discriminatedUnion('decision', [
    z
      .object({
        runId: runIdSchema,
        callId: z.string().min(1).max(128),
        decision: z.literal('approved'),
        editedInput: z.unknown().optional(),
        /** "Always allow this": an allow rule saved to the default rules and applied to this run from now on. */
        addRule: approvalRuleSchema.refine((rule) => rule.action === 'allow', 'an added rule allows').optional(),
        /** A note the model reads (letting a run that repeats itself go on: what to do differently). */
        feedback: z.string().max(10_000).optional(),
      })
      .strict(),
    z
      .object({
        runId: runIdSchema,
        callId: z.string().min(1).max(128),
        decision: z.literal('rejected'),
        feedback: z.string().max(10_000).optional(),
      })
      .strict(),
  ]),
  'blobs.get': z.object({ hash: blobHashSchema }).strict(),
  'specs.list': z.object({}).strict(),
  'specs.run': z
    .object({
      /** A saved or starter spec's name. */
      spec: z.string().min(1).max(128),
      params: z.record(z.string().max(128), z.string().max(4096)).default({}),
      model: z.string().min(3).max(300).optional(),
      /** The run this one runs again ("Run again"): recorded as its parent. */
      parent: runIdSchema.optional(),
    })
    .strict(),
  /** Saves a run as a loop spec (its data, parameters and constraints), as `looplab spec save` does. */
  'specs.save': z
    .object({ runId: runIdSchema, name: z.string().max(300), overwrite: z.boolean().default(false) })
    .strict(),
  'models.list': z.object({}).strict(),
  'models.pull': z
    .object({ name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,199}$/, 'a model name like qwen2.5-coder:7b') })
    .strict(),
  /** An Ollama model from a folder of the run's workspace (an adapter or merged weights); progress comes as `models.progress`. */
  'models.import': runFileSchema.extend({
    name: z
      .string()
      .regex(
        /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}(:[a-zA-Z0-9._-]{1,60})?$/,
        'letters, digits, . _ - and an optional :tag',
      ),
    base: z.string().trim().max(200).optional(),
    force: z.boolean().default(false),
  }),
  /** One reply of a model to a short conversation (no tools); its words stream as `models.chat.delta`. */
  'models.chat': z
    .object({
      model: z.string().min(3).max(300),
      chatId: z.string().regex(/^[a-z0-9-]{1,64}$/),
      messages: z
        .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(32_768) }).strict())
        .min(1)
        .max(100),
    })
    .strict(),
  /** The stored probe results of every model. */
  'models.probes': z.object({}).strict(),
  /** Runs a model's capability checks and stores the result; progress comes as `models.probe.progress`. */
  'models.probe': z.object({ model: z.string().min(3).max(300) }).strict(),
  'jobs.logs': z
    .object({ runId: runIdSchema, jobId: jobIdSchema, lines: z.number().int().min(1).max(2000).default(200) })
    .strict(),
  'artifacts.open': runFileSchema,
  'artifacts.reveal': runFileSchema,
  'settings.get': z.object({}).strict(),
  'settings.update': settingsPatchSchema,
  'secrets.set': z
    .object({ name: secretNameSchema, value: z.string().trim().min(1, 'give the key').max(16_384) })
    .strict(),
  'secrets.clear': z.object({ name: secretNameSchema }).strict(),
  'storage.usage': z.object({}).strict(),
  /** The readiness check a run makes, without starting one: `provider/model`. */
  'providers.test': z.object({ model: z.string().trim().min(3).max(300) }).strict(),
  /** A compute target's check (`looplab targets test NAME`): `local`, or a target of settings.json. */
  'targets.check': z.object({ name: z.string().min(1).max(40) }).strict(),
  'runs.replay': z
    .object({
      runId: runIdSchema,
      onDivergence: z.enum(['stop', 'continue']).default('stop'),
      model: z.string().min(3).max(300).optional(),
      /** What the person granted a run from elsewhere (see replays.plan); none unless given. */
      allow: replayGrantsSchema.default({ host: false, network: false, mcp: false }),
    })
    .strict(),
  'replays.plan': z.object({ runId: runIdSchema }).strict(),
  'runs.compare': z.object({ a: runIdSchema, b: runIdSchema }).strict(),
  'runs.export': z.object({ runId: runIdSchema, format: z.enum(['looplab', 'otel']).default('looplab') }).strict(),
  'examples.replay': z.object({}).strict(),
  'runs.delete': z.object({ runIds: z.array(runIdSchema).min(1).max(500) }).strict(),
  'sandbox.status': z.object({}).strict(),
  /** Builds the image runs use from one of resources/sandbox's recipes; progress comes as `sandbox.progress`. */
  'sandbox.build': z.object({ recipe: z.enum(imageRecipes) }).strict(),
  /** A run's files as its snapshot at (or before) `seq` recorded them; its latest without `seq`. */
  'workspace.files': workspaceFilesInput,
  'workspace.file': workspaceFileInput,
  'workspace.diff': workspaceDiffInput,
  /** The benches run here (looplab bench), newest first, each with its runs' scores. */
  'benches.list': z.object({}).strict(),
  'benches.get': z.object({ benchId: z.string().regex(/^bench_[0-9a-z]+$/) }).strict(),
} satisfies Record<RequestChannel, z.ZodType>;
