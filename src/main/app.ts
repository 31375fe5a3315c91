// The composition root, which every front end (Electron, the CLI, the web server) builds first: the data
// folder, the store, the adapters, the run manager, the request handlers and the push source over it.
import type { AppInfo } from '../shared/contract';
import { createHandlers, type DesktopShell, type Handlers } from './api/handlers';
import { createPushHub, type PushHub, type PushSource } from './api/push';
import { ensureHome, type HomePaths } from './home';
import { createOllamaGpuGuard } from './providers/ollama-gpu';
import { NvidiaSmiSampler } from './sandbox/jobs-gpu';
import { createModelTry } from './runs/model-try';
import { createModelProbes } from './runs/model-probes';
import { createModelService } from './runs/model-service';
import { createImageBuilds } from './sandbox/image-builds';
import type { RunDeps } from './runs/run-deps';
import { RunManager } from './runs/run-manager';
import { currentRedactor, jobLog } from './runs/job-recording';
import { GpuLeases } from './runs/gpu-lease';
import { freeBytes, nvidiaSmiInventory } from './sandbox/gpu-inventory';
import { JobService } from './sandbox/jobs';
import { SandboxManager } from './sandbox/sandbox-manager';
import { modelResolver, type ModelResolver } from './runs/readiness';
import { sandboxLimits } from './settings/run-defaults';
import { headlessSecretStore, type SecretStore } from './settings/secret-store';
import { createSettingsService, type SettingsService } from './settings/settings-service';
import { loadSettings } from './settings/settings-store';
import type { EventStore } from './store/event-store';
import { openStore, type OpenedStore } from './store/open-store';
import { holdsSecretOf, snapshotCapFromEnv, WorkspaceSnapshots } from './store/workspace-snapshots';
import { createRedactor, secretsFromEnvNames } from './core/redact';
import { appVersion } from './version';
import { TargetEngines } from './sandbox/target-engines';
import { testTarget } from './sandbox/target-check';
import type { Target } from '../shared/targets';

export interface AppOptions {
  home: string;
  /** Where the UI these handlers answer is shown: Electron's window, or a browser (every other front end). */
  ui: AppInfo['ui'];
  nativeBinding?: string | undefined;
  /** Publish events that other processes (a `looplab` command) commit, checking this often (ms). */
  watchExternalMs?: number;
  /** The desktop app's file manager and default programs, for opening a run's files. */
  desktop?: DesktopShell;
  /** Where API keys are kept: the OS keychain in Electron; by default an encrypted file in the data folder. */
  secrets?: (paths: HomePaths) => SecretStore;
  /** Opens a page in the person's browser (an MCP server's sign-in): the desktop app's; none headless. */
  openUrl?: (url: URL) => Promise<void>;
  /** 'read': for commands that only read history, which still open on a full or read-only disk. */
  access?: 'write' | 'read';
}

export interface App {
  paths: HomePaths;
  store: OpenedStore['store'];
  owners: OpenedStore['owners'];
  /** Deleting runs and collecting unused blobs. */
  lifecycle: OpenedStore['lifecycle'];
  runs: RunManager;
  sandbox: SandboxManager;
  /** Runs' training and evaluation jobs, each in a detached container of its own. */
  jobs: JobService;
  /** This machine's GPUs and the GPU jobs' lease on them. */
  gpu?: RunDeps['gpu'];
  /** API keys and tokens, encrypted; never in settings.json or the event log. */
  secrets: SecretStore;
  settings: SettingsService;
  /** Snapshots of runs' workspaces, for forks. */
  snapshots: WorkspaceSnapshots;
  handlers: Handlers;
  pushes: PushSource;
  /** Closes the store; for commands that started no run. */
  close(): void;
  /** Interrupts live runs, waits for them to record it, then closes the store. */
  shutdown(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const paths = ensureHome(options.home);
  // The main process answers the UI: its commits leave the wait for the disk to another thread.
  const opened = openStore(paths, {
    nativeBinding: options.nativeBinding,
    access: options.access ?? 'write',
    sync: 'off-thread',
  });
  const pushes = createPushHub(opened.store);
  const secrets = (options.secrets ?? headlessSecretStore)(paths);
  const settings = createSettingsService(paths, secrets);
  const deps = { ...runDeps(paths, opened, secrets, pushes), openUrl: options.openUrl };
  const models = () => modelResolver(paths, process.env, secrets);
  const runs = runManager(deps, models, pushes);
  const { localModels, modelTry, probes } = modelServices(opened.store, paths, models, pushes);
  const { docker, image } = deps.sandbox;
  const images = createImageBuilds({ docker, image, emit: (progress) => pushes.emit('sandbox.progress', progress) });
  const watcher = watchExternal(opened.store, options.watchExternalMs);
  const close = () => {
    clearInterval(watcher);
    // Running jobs go on in their containers; the next start watches them again.
    deps.jobs.disconnect();
    opened.close();
  };
  const info: AppInfo = { version: appVersion(), home: paths.root, ui: options.ui };
  return {
    ...deps,
    secrets,
    lifecycle: opened.lifecycle,
    runs,
    settings,
    handlers: createHandlers({
      store: opened.store,
      runs,
      info,
      paths,
      settings,
      models,
      localModels,
      modelTry,
      probes,
      desktop: options.desktop,
      lifecycle: opened.lifecycle,
      snapshots: deps.snapshots,
      images,
      checkTarget: (name) => testTarget(deps.targets, name, image),
    }),
    pushes,
    close,
    shutdown: async () => {
      for (const service of [localModels, modelTry, probes]) service.close();
      images.close();
      await runs.close();
      deps.sandbox.disconnect();
      close();
    },
  };
}

/** Ollama's models (pull, unload), a model tried in the run page, and model probes, their progress pushed. */
function modelServices(store: EventStore, paths: HomePaths, models: () => ModelResolver, pushes: PushHub) {
  return {
    localModels: createModelService((progress) => pushes.emit('models.progress', progress)),
    modelTry: modelTryOf(store, paths, models, pushes),
    probes: createModelProbes({ paths, models, emit: (progress) => pushes.emit('models.probe.progress', progress) }),
  };
}

/** Publishes the events other processes commit, checking every `ms`; no checking without it. */
function watchExternal(store: OpenedStore['store'], ms: number | undefined): NodeJS.Timeout | undefined {
  if (ms === undefined) return undefined;
  const watcher = setInterval(() => store.pollExternal(), ms);
  watcher.unref();
  return watcher;
}

/** What runs need of the app (RunDeps): the store, the sandbox and its jobs, secrets and snapshots. */
function runDeps(
  paths: HomePaths,
  opened: OpenedStore,
  secrets: SecretStore,
  pushes: PushHub,
): RunDeps & { targets: TargetEngines } {
  // LOOPLAB_SANDBOX_IMAGE picks another image than the one `looplab sandbox build` makes.
  const image = process.env.LOOPLAB_SANDBOX_IMAGE === '' ? undefined : process.env.LOOPLAB_SANDBOX_IMAGE;
  // The sandbox limits of settings.json, read when each container is made.
  const limits = () => sandboxLimits(loadSettings(paths));
  // LOOPLAB_SANDBOX_CUDA_IMAGE picks another image for GPU jobs than `looplab sandbox build --cuda` makes.
  const cudaImage = process.env.LOOPLAB_SANDBOX_CUDA_IMAGE || undefined;
  const sandbox = new SandboxManager({
    home: paths.root,
    limits,
    ...(image === undefined ? {} : { image }),
    ...(cudaImage === undefined ? {} : { cudaImage }),
  });
  const snapshots = new WorkspaceSnapshots(
    opened.store.blobs,
    { loadEvents: (runId) => opened.store.loadEvents(runId, { blobs: 'ref' }) },
    snapshotCapFromEnv(process.env),
    // A file holding a secret of this machine (the environment's keys and tokens, the secret store)
    // is left out of snapshots, so blobs/ never holds it.
    () => holdsSecretOf(createRedactor([...secretsFromEnvNames(process.env), ...secrets.values()])),
  );
  // A GPU job first unloads the models a local Ollama holds in GPU memory, and loads them again after.
  // Jobs' events and log lines are redacted like a run's (see job-recording.ts).
  const redactor = currentRedactor({ secrets, paths });
  const inventory = nvidiaSmiInventory();
  const targets = new TargetEngines(sandbox.docker, () => settingsTargets(paths));
  const jobs = new JobService({
    sandbox,
    log: jobLog(opened.store, redactor),
    leases: opened.owners,
    // Ollama's address as runs use it: OLLAMA_HOST, else settings.json.
    gpuMemory: createOllamaGpuGuard({
      host: () => process.env.OLLAMA_HOST || loadSettings(paths).providers.ollama.host,
      freeGpuBytes: async () => {
        const devices = await inventory.devices();
        return devices.length === 0 ? undefined : freeBytes(devices);
      },
    }),
    // A GPU job's series gets the GPU's utilisation and memory, where nvidia-smi answers.
    gpuSampling: { sampler: new NvidiaSmiSampler() },
    limits,
    jobResources: () => loadSettings(paths).jobs,
    // Other machines' engines, as settings.json names them when a job asks for one.
    targets,
    onLog: ({ runId, jobId, line }) =>
      pushes.emit('run.output', { runId, source: jobId, text: `${redactor().text(line)}\n` }),
    snapshots,
  });
  const gpu = { leases: new GpuLeases(opened.store), inventory };
  return { paths, store: opened.store, owners: opened.owners, sandbox, jobs, secrets, snapshots, gpu, targets };
}

/** The app's runs, their streamed words and output pushed to the UI as they come. */
function runManager(deps: RunDeps, models: () => ModelResolver, pushes: PushHub): RunManager {
  return new RunManager(
    deps,
    models,
    // After the events recorded before them, which are pushed once they are on disk.
    (runId, progress) =>
      deps.store.afterPublished(() => {
        if (progress.type === 'text') pushes.emit('run.delta', { runId, text: progress.delta });
        if (progress.type === 'tool-output')
          pushes.emit('run.output', { runId, source: progress.callId, text: progress.chunk });
      }),
    (runId, error) =>
      deps.store.afterPublished(() => {
        // Nothing could be recorded, so the UI hears it directly: the run as saved, interrupted, and why.
        const run = deps.store.getRun(runId);
        const reason = error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
        if (run !== undefined)
          pushes.emit('run.updated', { run: { ...run, status: 'interrupted', reason }, events: [] });
      }),
  );
}

/**
 * After a restart: keeps the sandbox containers of runs another live process still drives and
 * removes the rest of this data folder's, and watches again the jobs no live process watches (recording
 * how those that ended while the app was away ended). Without Docker there is nothing to tidy.
 */
export async function tidySandboxes(app: App): Promise<void> {
  const live = ['running', 'waiting'] as const;
  const runIds = live.flatMap((status) => app.store.listRuns({ status, limit: 10_000 }).map((run) => run.id));
  // The GPU jobs still running hold the GPU again (the reattached watchers record their ends).
  for (const runId of runIds) app.gpu?.leases.recover(app.store.loadEvents(runId));
  await Promise.all([
    app.sandbox.reattach(runIds.filter((runId) => app.owners.liveOwner(runId) !== undefined)).catch(() => undefined),
    app.jobs.reattach().catch(() => undefined),
  ]);
}

/** Models made from runs' artifacts and tried in the run page, their progress and words pushed to every window. */
function modelTryOf(store: EventStore, paths: HomePaths, models: () => ModelResolver, pushes: PushHub) {
  return createModelTry({
    store,
    workspaces: paths.workspaces,
    models,
    emit: {
      progress: (progress) => pushes.emit('models.progress', progress),
      delta: (delta) => pushes.emit('models.chat.delta', delta),
    },
  });
}

/** settings.json's targets; none while the file does not read (its error is said where settings are used). */
function settingsTargets(paths: HomePaths): Target[] {
  try {
    return loadSettings(paths).targets ?? [];
  } catch {
    return [];
  }
}
