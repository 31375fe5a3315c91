// The one contract between the main process and the UI. Inputs are zod schemas (validated once, at the
// boundary: Electron IPC or the web bridge); outputs and pushes are types. The preload, the IPC
// handlers and the web bridge are all checked against this file.
import { z } from 'zod';
import type { PushChannel, RequestChannel } from './channels';
import type { RunComparison } from './compare-runs';
import type { ErrorInfo } from './errors';
import { runStatusSchema, type RunEvent } from './events';
import { approvalRuleSchema, budgetSchema } from './loop-config';
import type { RunSummary } from './run-summary';
import { secretNameSchema, settingsPatchSchema, type SettingsView, type StorageUsage } from './settings';
import {
  workspaceDiffInput,
  workspaceFileInput,
  workspaceFilesInput,
  type WorkspaceDiff,
  type WorkspaceFile,
  type WorkspaceListing,
} from './workspace-files';

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

/** What a replay would run where, shown before it starts. */
export interface ReplayPlan {
  runId: string;
  /** Not recorded in this data folder (imported, or of unknown origin). */
  fromElsewhere: boolean;
  imported: boolean;
  /** Where its commands run: the Docker sandbox, or this machine. */
  runtime: 'sandbox' | 'host';
  network: 'none' | 'full';
  /** MCP servers it starts on this machine, each as `name (command or URL)`. */
  mcpServers: string[];
  /** What the person must grant for a run from elsewhere (all of it is listed above). */
  needs: { host: boolean; network: boolean; mcp: boolean };
}

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
  /** A run's files as its snapshot at (or before) `seq` recorded them; its latest without `seq`. */
  'workspace.files': workspaceFilesInput,
  'workspace.file': workspaceFileInput,
  'workspace.diff': workspaceDiffInput,
} satisfies Record<RequestChannel, z.ZodType>;

export interface AppInfo {
  version: string;
  home: string;
  /** Where the UI is shown: Electron's window, or a browser (`looplab serve`). */
  ui: 'electron' | 'web';
}

export interface RunDetail {
  summary: RunSummary;
  /** Events in order; large text stays as blob references, fetched with `blobs.get`. */
  events: RunEvent[];
}

export interface SearchHit {
  runId: string;
  seq: number;
  type: RunEvent['type'];
  goal: string;
  snippet: string;
}

export interface BlobText {
  hash: string;
  text: string;
}

/** A loop spec a person can run from the UI: saved in the data folder, or a starter. */
export interface SpecInfo {
  name: string;
  description: string | undefined;
  file: string;
  params: { name: string; default: string | undefined; description: string | undefined }[];
  /** The metric the harness judges attempts by, when the spec has an evaluation gate. */
  metric: string | undefined;
  target: number | undefined;
  /** Set when the file does not parse: what is wrong, with its line. */
  error?: string;
}

/** A run saved as a loop spec: its name, its loop.yaml, and what could not be kept. */
export interface SavedSpecInfo {
  name: string;
  file: string;
  notices: string[];
}

/** A model a local Ollama has installed. */
export interface InstalledModel {
  id: string;
  sizeBytes: number;
  parameterSize: string | undefined;
  contextLength: number;
  supportsTools: boolean;
  loaded: boolean;
}

export interface ModelList {
  ollama: { host: string; models: InstalledModel[]; error?: ErrorInfo };
}

export interface JobLog {
  jobId: string;
  /** The last lines the job printed (colour codes kept), with Looplab's notes (`[looplab] …`). */
  lines: string[];
}

export interface ResponseTypes {
  'app.info': AppInfo;
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  'runs.search': SearchHit[];
  'runs.start': RunSummary;
  'runs.stop': { stopped: boolean };
  'runs.resume': RunSummary;
  'runs.fork': RunSummary;
  'approvals.decide': { decided: true };
  'blobs.get': BlobText;
  'specs.list': SpecInfo[];
  'specs.run': RunSummary;
  'specs.save': SavedSpecInfo;
  'models.list': ModelList;
  'models.pull': { started: true };
  'jobs.logs': JobLog;
  'artifacts.open': { opened: true };
  'artifacts.reveal': { revealed: true };
  'settings.get': SettingsView;
  'settings.update': SettingsView;
  'secrets.set': SettingsView;
  'secrets.clear': SettingsView;
  'storage.usage': StorageUsage;
  'providers.test': ProviderTest;
  /** The new run that replays the given one. */
  'runs.replay': RunSummary;
  /** What a replay of the run would run where, and what a run from elsewhere needs granted. */
  'replays.plan': ReplayPlan;
  'runs.compare': RunComparison;
  'runs.export': ExportedRun;
  /** The replay of the example run shipped with the app (imported into the data folder first if need be). */
  'examples.replay': RunSummary;
  /** Deletes runs that are not live, with their events, workspaces and snapshots; then collects blobs. */
  'runs.delete': DeletedRuns;
  'workspace.files': WorkspaceListing;
  /** One file's content to preview (text up to a size, images as base64), or why it is not shown. */
  'workspace.file': WorkspaceFile;
  /** Files added, removed or changed between two steps' snapshots. */
  'workspace.diff': WorkspaceDiff;
}

export interface DeletedRuns {
  deleted: string[];
  /** Blobs no remaining run referred to, removed after the delete. */
  freedBlobs: number;
  freedBytes: number;
}

/** A file to save: the run's archive (gzip) or its OpenTelemetry spans (JSON), base64-encoded. */
export interface ExportedRun {
  fileName: string;
  contentType: string;
  base64: string;
}

export interface ProviderTest {
  model: string;
  contextLength: number;
}

export interface PushTypes {
  'run.updated': { run: RunSummary; events: RunEvent[] };
  /** The model's words as they stream; not saved (the finished reply is, as model.finished). */
  'run.delta': { runId: string; text: string };
  /** Output as a command or a job prints it (by tool call id or job id); not saved (the final output is). */
  'run.output': { runId: string; source: string; text: string };
  /** A model pull's progress; `done` once it ended, with `error` when it failed. */
  'models.progress': {
    name: string;
    status: string;
    completed?: number | undefined;
    total?: number | undefined;
    done: boolean;
    error?: ErrorInfo | undefined;
  };
}

export type RequestInput<C extends RequestChannel> = z.input<(typeof requestSchemas)[C]>;
export type ParsedInput<C extends RequestChannel> = z.output<(typeof requestSchemas)[C]>;
export type RequestOutput<C extends RequestChannel> = ResponseTypes[C];
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** What `window.api` is in Electron, and what the web bridge client implements in a browser. */
export interface LooplabBridge {
  call<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<ApiResult<RequestOutput<C>>>;
  subscribe<P extends PushChannel>(channel: P, listener: (payload: PushTypes[P]) => void): () => void;
}
