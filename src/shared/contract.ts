// The one contract between the main process and the UI. Inputs are zod schemas (validated once, at the
// boundary: Electron IPC or the web bridge; `contract-requests.ts`); outputs and pushes are types. The
// preload, the IPC handlers and the web bridge are all checked against these files.
import type { z } from 'zod';
import type { PushChannel, RequestChannel } from './channels';
import type { BenchSummary } from './bench';
import type { RunComparison } from './compare-runs';
import type { requestSchemas } from './contract-requests';
import type { ErrorInfo } from './errors';
import type { RunEvent } from './events';
import type { ProbeList, ProbeProgress, ProbeReport } from './model-probe';
import type { Network } from './network-policy';
import type { RunSummary } from './run-summary';
import type { ImageBuildProgress, SandboxImageStatus } from './sandbox-image';
import type { SettingsView, StorageUsage } from './settings';
import type { TargetCheck } from './targets';
import type { WorkspaceDiff, WorkspaceFile, WorkspaceListing } from './workspace-files';

export {
  blobHashSchema,
  jobIdSchema,
  replayGrantsSchema,
  requestSchemas,
  runFileSchema,
  runIdSchema,
  type ReplayGrantsInput,
} from './contract-requests';

/** What a replay would run where, shown before it starts. */
export interface ReplayPlan {
  runId: string;
  /** Not recorded in this data folder (imported, or of unknown origin). */
  fromElsewhere: boolean;
  imported: boolean;
  /** Where its commands run: the Docker sandbox, or this machine. */
  runtime: 'sandbox' | 'host';
  /** What its sandbox may reach: none, an allow-list or the full network. */
  network: Network;
  /** MCP servers it starts on this machine, each as `name (command or URL)`. */
  mcpServers: string[];
  /** What the person must grant for a run from elsewhere (all of it is listed above). */
  needs: { host: boolean; network: boolean; mcp: boolean };
}

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
  'models.import': { started: true; name: string };
  /** The whole reply, once it has streamed. */
  'models.chat': { text: string };
  'models.probes': ProbeList;
  /** The probe's result, once every check ran (stored by then). */
  'models.probe': ProbeReport;
  'jobs.logs': JobLog;
  'artifacts.open': { opened: true };
  'artifacts.reveal': { revealed: true };
  'settings.get': SettingsView;
  'settings.update': SettingsView;
  'secrets.set': SettingsView;
  'secrets.clear': SettingsView;
  'storage.usage': StorageUsage;
  'providers.test': ProviderTest;
  'targets.check': TargetCheck;
  /** The new run that replays the given one. */
  'runs.replay': RunSummary;
  /** What a replay of the run would run where, and what a run from elsewhere needs granted. */
  'replays.plan': ReplayPlan;
  'runs.compare': RunComparison;
  'benches.list': BenchSummary[];
  'benches.get': BenchSummary;
  'runs.export': ExportedRun;
  /** The replay of the example run shipped with the app (imported into the data folder first if need be). */
  'examples.replay': RunSummary;
  /** Deletes runs that are not live, with their events, workspaces and snapshots; then collects blobs. */
  'runs.delete': DeletedRuns;
  /** Whether Docker answers and the image runs use is built, and the app's image build, if any. */
  'sandbox.status': SandboxImageStatus;
  'sandbox.build': { started: true; tag: string };
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
  /** A model pull's (or import's) progress; `done` once it ended, with `error` when it failed. */
  'models.progress': {
    name: string;
    status: string;
    completed?: number | undefined;
    total?: number | undefined;
    done: boolean;
    error?: ErrorInfo | undefined;
  };
  /** A reply of models.chat as it streams. */
  'models.chat.delta': { chatId: string; text: string };
  /** A probe's progress: before each check, and once all are done. */
  'models.probe.progress': ProbeProgress;
  /** The app's sandbox image build as it goes; `done` once it ended, with `error` when it failed. */
  'sandbox.progress': ImageBuildProgress;
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
