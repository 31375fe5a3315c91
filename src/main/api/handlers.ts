// The main side of the contract: one handler per request channel, checked against the contract with
// `satisfies`, and one dispatch that validates input with zod before any handler sees it. Electron's
// IPC and the web bridge both call `dispatch`, so they cannot drift apart.
import { join } from 'node:path';
import { z } from 'zod';
import { isRequestChannel, type RequestChannel } from '../../shared/channels';
import {
  requestSchemas,
  type ApiResult,
  type AppInfo,
  type ParsedInput,
  type RequestOutput,
  type SpecInfo,
} from '../../shared/contract';
import { compareRuns } from '../../shared/compare-runs';
import { AppError } from '../../shared/errors';
import type { ModelService } from '../runs/model-service';
import { listSpecs, specDirs, type SavedSpec } from '../specs/loop-spec';
import { checkOpenable, resolveRunFile, resolveRunRegularFile } from '../runs/run-files';
import { jobFiles, tailLines } from '../sandbox/jobs-files';
import { jobIdsOf } from '../sandbox/jobs-status';
import type { HomePaths } from '../home';
import { readyModel, type ModelResolver } from '../runs/readiness';
import { exportFile } from '../runs/run-export';
import { ensureExample } from '../runs/example';
import { recordedConfig } from '../runs/run-config';
import { replayPlan } from '../runs/run-trust';
import { loopConfigSchema } from '../../shared/loop-config';
import type { RunManager } from '../runs/run-manager';
import { configWithDefaults, defaultModel } from '../settings/run-defaults';
import type { SettingsService } from '../settings/settings-service';
import { loadSettings } from '../settings/settings-store';
import { storageUsage } from '../settings/storage-usage';
import type { DataLifecycle } from '../store/data-lifecycle';
import type { EventStore } from '../store/event-store';
import type { WorkspaceSnapshots } from '../store/workspace-snapshots';
import type { ImageBuilds } from '../sandbox/image-builds';
import { saveRunAsSpec } from '../specs/run-spec';
import { diffWorkspace, listWorkspace, readWorkspaceFile } from '../runs/workspace-files';

export type Handlers = {
  [C in RequestChannel]: (input: ParsedInput<C>) => RequestOutput<C> | Promise<RequestOutput<C>>;
};

/** What only the desktop app can do with a run's files: show them in the file manager, open them. */
export interface DesktopShell {
  reveal(path: string): void;
  /** Resolves with an error message, or '' when the file opened. */
  open(path: string): Promise<string>;
}

export interface HandlerDeps {
  store: EventStore;
  runs: RunManager;
  info: AppInfo;
  paths: HomePaths;
  settings: SettingsService;
  /** The providers as configured now (environment, settings.json, saved secrets). */
  models: () => ModelResolver;
  /** A local Ollama's models: listing and pulling. */
  localModels: ModelService;
  desktop?: DesktopShell | undefined;
  /** Deleting runs and collecting blobs. */
  lifecycle: DataLifecycle;
  /** The runs' workspace snapshots (a run saved as a spec keeps the workspace it started with). */
  snapshots: WorkspaceSnapshots;
  /** The sandbox image: its state, and builds made from the app. */
  images: ImageBuilds;
}

export function createHandlers({
  store,
  runs,
  info,
  paths,
  settings,
  models,
  localModels,
  desktop,
  lifecycle,
  snapshots,
  images,
}: HandlerDeps): Handlers {
  const workspaces = paths.workspaces;
  const shell = (): DesktopShell => {
    if (desktop !== undefined) return desktop;
    throw new AppError(
      'unavailable',
      'Opening files on this machine works in the desktop app only.',
      'Download the file instead.',
    );
  };
  return {
    'app.info': () => info,
    // Listing is an indexed read of one page (a few milliseconds on a million events); a search over a
    // big log runs on the store's worker thread, so the UI's other requests and live runs go on meanwhile.
    'runs.list': (input) => store.listRuns(input),
    'runs.get': ({ runId }) => ({
      summary: store.requireRun(runId),
      events: store.loadEvents(runId, { blobs: 'ref' }),
    }),
    'runs.search': ({ query, limit }) => store.searchInBackground(query, limit),
    'runs.start': ({ goal, model, maxSteps, rules, budget, runtime, contextLength, parent }) => {
      const defaults = loadSettings(paths);
      return runs.start({
        goal,
        model: model ?? defaultModel(defaults),
        contextLength,
        parent,
        config: configWithDefaults(defaults, { maxSteps, rules, budget, runtime }),
      });
    },
    'runs.stop': ({ runId }) => ({ stopped: runs.stop(store.requireRun(runId).id) }),
    'runs.resume': ({ runId, maxSteps, budget }) => runs.resume(runId, { maxSteps, budget }),
    'runs.fork': ({ runId, seq, message, model, decision, feedback }) =>
      runs.fork({
        runId,
        seq,
        message,
        model,
        decision: decision === undefined ? undefined : decision === 'approved' ? { decision } : { decision, feedback },
      }),
    'approvals.decide': (input) => {
      if (input.decision === 'approved' && input.addRule !== undefined) {
        // Refused before anything is saved when the run is not waiting for this call.
        runs.requirePending(input.runId, input.callId);
        settings.addDefaultRule(input.addRule);
      }
      runs.decide(
        input.runId,
        input.callId,
        input.decision === 'approved'
          ? {
              decision: 'approved',
              ...(input.editedInput === undefined ? {} : { editedInput: input.editedInput }),
              ...(input.addRule === undefined ? {} : { addRule: input.addRule }),
              ...(input.feedback === undefined ? {} : { feedback: input.feedback }),
            }
          : { decision: 'rejected', feedback: input.feedback },
      );
      return { decided: true };
    },
    'blobs.get': ({ hash }) => ({ hash, text: store.readBlob(hash) }),
    'specs.list': () => listSpecs(specDirs(info.home)).map(specInfo),
    'specs.save': ({ runId, name, overwrite }) =>
      saveRunAsSpec({ paths, store, snapshots }, runId, name, { overwrite }),
    'specs.run': ({ spec, params, model, parent }) => {
      const defaults = loadSettings(paths);
      return runs.startSpec({
        spec,
        params,
        model,
        parent,
        defaultModel: defaultModel(defaults),
        defaultRules: defaults.rules,
        defaultMcpServers: defaults.mcpServers,
      });
    },
    'models.list': () => localModels.list(),
    'models.pull': ({ name }) => localModels.pull(name),
    'jobs.logs': async ({ runId, jobId, lines }) => {
      store.requireRun(runId);
      if (!jobIdsOf(store.loadEvents(runId, { blobs: 'ref' })).includes(jobId))
        throw new AppError('not_found', `${runId} has no job ${jobId}.`);
      // Opened without following links the sandbox may have put in the way (jobs-files.ts).
      try {
        return { jobId, lines: tailLines(jobFiles(join(workspaces, runId), jobId), lines) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { jobId, lines: [] };
        throw error;
      }
    },
    'artifacts.open': async ({ runId, path }) => {
      store.requireRun(runId);
      const file = await resolveRunRegularFile(workspaces, runId, path);
      checkOpenable(file);
      const failure = await shell().open(file.realPath);
      if (failure !== '') throw new AppError('unavailable', `Could not open ${path}: ${failure}`);
      return { opened: true };
    },
    'artifacts.reveal': async ({ runId, path }) => {
      store.requireRun(runId);
      shell().reveal((await resolveRunFile(workspaces, runId, path)).realPath);
      return { revealed: true };
    },
    'settings.get': () => settings.view(),
    'settings.update': (patch) => settings.update(patch),
    'secrets.set': ({ name, value }) => settings.setSecret(name, value),
    'secrets.clear': ({ name }) => settings.clearSecret(name),
    'storage.usage': () =>
      storageUsage(paths, () => {
        const sizes = lifecycle.sizes();
        return store
          .listRuns({ limit: 1_000_000 })
          .map((run) => ({ id: run.id, goal: run.goal, status: run.status, bytes: sizes.get(run.id) ?? 0 }))
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, 20);
      }),
    'providers.test': async ({ model }) => {
      const ready = await readyModel(models(), model);
      return { model: ready.name, contextLength: ready.info.contextLength };
    },
    'runs.replay': ({ runId, onDivergence, model, allow }) => runs.replay({ runId, onDivergence, model, allow }),
    'replays.plan': ({ runId }) => {
      store.requireRun(runId);
      return replayPlan({ store }, runId, recordedConfig(store.loadEvents(runId)) ?? loopConfigSchema.parse({}));
    },
    'runs.compare': ({ a, b }) => {
      store.requireRun(a);
      store.requireRun(b);
      return compareRuns(store.loadEvents(a), store.loadEvents(b));
    },
    'runs.export': ({ runId, format }) => {
      const { fileName, contentType, bytes } = exportFile(store, runId, format);
      return { fileName, contentType, base64: bytes.toString('base64') };
    },
    'examples.replay': () => runs.replay({ runId: ensureExample(store).runId, onDivergence: 'stop' }),
    'runs.delete': ({ runIds }) => {
      const { deleted, gc } = lifecycle.deleteRuns(runIds);
      return { deleted, freedBlobs: gc.blobs, freedBytes: gc.bytes };
    },
    'sandbox.status': () => images.status(),
    'sandbox.build': ({ recipe }) => images.build(recipe),
    'workspace.files': ({ runId, seq }) =>
      listWorkspace(snapshots.blobs, store.requireRun(runId).id, store.loadEvents(runId, { blobs: 'ref' }), seq),
    'workspace.file': ({ runId, path, seq }) =>
      readWorkspaceFile(
        snapshots.blobs,
        store.requireRun(runId).id,
        store.loadEvents(runId, { blobs: 'ref' }),
        path,
        seq,
      ),
    'workspace.diff': ({ runId, from, to }) =>
      diffWorkspace(snapshots.blobs, store.requireRun(runId).id, store.loadEvents(runId, { blobs: 'ref' }), from, to),
  } satisfies Handlers;
}

function specInfo(saved: SavedSpec): SpecInfo {
  const { spec } = saved;
  return {
    name: saved.name,
    description: saved.description,
    file: saved.file,
    params: Object.entries(spec?.params ?? {}).map(([name, param]) => ({
      name,
      default: param.default,
      description: param.description,
    })),
    metric: spec?.evaluation?.metric,
    target: spec?.evaluation?.target,
    ...(saved.error === undefined ? {} : { error: saved.error }),
  };
}

export async function dispatch(handlers: Handlers, channel: unknown, input: unknown): Promise<ApiResult<unknown>> {
  if (!isRequestChannel(channel)) {
    return { ok: false, error: { code: 'invalid_input', message: `Unknown request channel ${String(channel)}.` } };
  }
  const parsed = requestSchemas[channel].safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid_input', message: `Invalid input for ${channel}: ${z.prettifyError(parsed.error)}` },
    };
  }
  try {
    const handler = handlers[channel] as (input: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toInfo() };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'internal', message: `${channel} failed: ${message}` } };
  }
}
