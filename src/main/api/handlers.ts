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
  type SpecInfo,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { ModelService } from '../runs/model-service';
import type { RunManager } from '../runs/run-manager';
import { listSpecs, specDirs, type SavedSpec } from '../specs/loop-spec';
import type { EventStore } from '../store/event-store';

export type Handlers = {
  [C in RequestChannel]: (input: ParsedInput<C>) => RequestOutput<C> | Promise<RequestOutput<C>>;
};

export interface HandlerDeps {
  store: EventStore;
  runs: RunManager;
  info: AppInfo;
  models: ModelService;
}

export function createHandlers({ store, runs, info, models }: HandlerDeps): Handlers {
  return {
    'app.info': () => info,
    'runs.list': (input) => store.listRuns(input),
    'runs.get': ({ runId }) => ({
      summary: store.requireRun(runId),
      events: store.loadEvents(runId, { blobs: 'ref' }),
    }),
    'runs.search': ({ query, limit }) => store.search(query, limit),
    'runs.start': ({ goal, model, maxSteps, rules, budget, runtime, contextLength }) =>
      runs.start({ goal, model, contextLength, config: { maxSteps, rules, budget, runtime } }),
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
      runs.decide(
        input.runId,
        input.callId,
        input.decision === 'approved'
          ? input.editedInput === undefined
            ? { decision: 'approved' }
            : { decision: 'approved', editedInput: input.editedInput }
          : { decision: 'rejected', feedback: input.feedback },
      );
      return { decided: true };
    },
    'blobs.get': ({ hash }) => ({ hash, text: store.readBlob(hash) }),
    'specs.list': () => listSpecs(specDirs(info.home)).map(specInfo),
    'specs.run': ({ spec, params, model }) => runs.startSpec({ spec, params, model }),
    'models.list': () => models.list(),
    'models.pull': ({ name }) => models.pull(name),
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
