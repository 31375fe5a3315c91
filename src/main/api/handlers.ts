// The main side of the contract: one handler per request channel, checked against the contract with
// `satisfies`, and one dispatch that validates input with zod before any handler sees it. Electron's
// IPC and the web bridge both call `dispatch`, so they cannot drift apart.
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
import { readyModel, type ModelResolver } from '../runs/readiness';
import type { RunManager } from '../runs/run-manager';
import { configWithDefaults, defaultModel } from '../settings/run-defaults';
import type { SettingsService } from '../settings/settings-service';
import { loadSettings } from '../settings/settings-store';
import { storageUsage } from '../settings/storage-usage';
import type { EventStore } from '../store/event-store';

export type Handlers = {
  [C in RequestChannel]: (input: ParsedInput<C>) => RequestOutput<C> | Promise<RequestOutput<C>>;
};

export interface HandlerDeps {
  store: EventStore;
  runs: RunManager;
  info: AppInfo;
  paths: HomePaths;
  settings: SettingsService;
  /** The providers as configured now (environment, settings.json, saved secrets). */
  models: () => ModelResolver;
}

export function createHandlers({ store, runs, info, paths, settings, models }: HandlerDeps): Handlers {
  return {
    'app.info': () => info,
    'runs.list': (input) => store.listRuns(input),
    'runs.get': ({ runId }) => ({
      summary: store.requireRun(runId),
      events: store.loadEvents(runId, { blobs: 'ref' }),
    }),
    'runs.search': ({ query, limit }) => store.search(query, limit),
    'runs.start': ({ goal, model, maxSteps, rules, budget, runtime, contextLength }) => {
      const defaults = loadSettings(paths);
      return runs.start({
        goal,
        model: model ?? defaultModel(defaults),
        contextLength,
        config: configWithDefaults(defaults, { maxSteps, rules, budget, runtime }),
      });
    },
    'runs.stop': ({ runId }) => ({ stopped: runs.stop(store.requireRun(runId).id) }),
    'runs.resume': ({ runId, maxSteps, budget }) => runs.resume(runId, { maxSteps, budget }),
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
            }
          : { decision: 'rejected', feedback: input.feedback },
      );
      return { decided: true };
    },
    'blobs.get': ({ hash }) => ({ hash, text: store.readBlob(hash) }),
    'settings.get': () => settings.view(),
    'settings.update': (patch) => settings.update(patch),
    'secrets.set': ({ name, value }) => settings.setSecret(name, value),
    'secrets.clear': ({ name }) => settings.clearSecret(name),
    'storage.usage': () => storageUsage(paths),
    'providers.test': async ({ model }) => {
      const ready = await readyModel(models(), model);
      return { model: ready.name, contextLength: ready.info.contextLength };
    },
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
