// The main side of the contract: one handler per request channel, grouped by what they act on
// (*-handlers.ts), checked against the contract with `satisfies`, and one dispatch that validates input
// with zod before any handler sees it. Electron's IPC and the web bridge both call `dispatch`, so they
// cannot drift apart.
import { z } from 'zod';
import { isRequestChannel, type RequestChannel } from '../../shared/channels';
import {
  requestSchemas,
  type ApiResult,
  type AppInfo,
  type ParsedInput,
  type RequestOutput,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { HomePaths } from '../home';
import type { TargetCheck } from '../../shared/targets';
import type { ModelProbes } from '../runs/model-probes';
import type { ModelService } from '../runs/model-service';
import type { ModelTry } from '../runs/model-try';
import type { ModelResolver } from '../runs/readiness';
import type { RunManager } from '../runs/run-manager';
import type { ImageBuilds } from '../sandbox/image-builds';
import type { SettingsService } from '../settings/settings-service';
import type { DataLifecycle } from '../store/data-lifecycle';
import type { EventStore } from '../store/event-store';
import type { WorkspaceSnapshots } from '../store/workspace-snapshots';
import { fileHandlers } from './file-handlers';
import { historyHandlers } from './history-handlers';
import { modelHandlers } from './model-handlers';
import { runHandlers } from './run-handlers';
import { settingsHandlers } from './settings-handlers';
import { specHandlers } from './spec-handlers';

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
  /** Models made from a run's artifacts, and a reply of one to try it. */
  modelTry: ModelTry;
  /** Models' capability checks: the stored results, and a probe run from the app. */
  probes: ModelProbes;
  desktop?: DesktopShell | undefined;
  /** Deleting runs and collecting blobs. */
  lifecycle: DataLifecycle;
  /** The runs' workspace snapshots (a run saved as a spec keeps the workspace it started with). */
  snapshots: WorkspaceSnapshots;
  /** The sandbox image: its state, and builds made from the app. */
  images: ImageBuilds;
  /** A compute target's check by name (`local`, or one of settings.json's targets). */
  checkTarget: (name: string) => Promise<TargetCheck>;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'app.info': () => deps.info,
    ...runHandlers(deps),
    ...historyHandlers(deps),
    ...fileHandlers(deps),
    ...specHandlers(deps),
    ...settingsHandlers(deps),
    ...modelHandlers(deps),
  } satisfies Handlers;
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
