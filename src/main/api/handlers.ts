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
import { compareRuns } from '../../shared/compare-runs';
import { AppError } from '../../shared/errors';
import { exportFile } from '../runs/run-export';
import type { RunManager } from '../runs/run-manager';
import type { EventStore } from '../store/event-store';

export type Handlers = {
  [C in RequestChannel]: (input: ParsedInput<C>) => RequestOutput<C> | Promise<RequestOutput<C>>;
};

export interface HandlerDeps {
  store: EventStore;
  runs: RunManager;
  info: AppInfo;
}

export function createHandlers({ store, runs, info }: HandlerDeps): Handlers {
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
    'runs.replay': ({ runId, onDivergence, model }) => runs.replay({ runId, onDivergence, model }),
    'runs.compare': ({ a, b }) => {
      store.requireRun(a);
      store.requireRun(b);
      return compareRuns(store.loadEvents(a), store.loadEvents(b));
    },
    'runs.export': ({ runId, format }) => {
      const { fileName, contentType, bytes } = exportFile(store, runId, format);
      return { fileName, contentType, base64: bytes.toString('base64') };
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
