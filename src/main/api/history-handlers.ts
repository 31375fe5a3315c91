// The handlers that read what runs recorded: list, search, load, compare, export, plan a replay; and
// deleting runs with the blobs only they used.
import { compareRuns } from '../../shared/compare-runs';
import { AppError } from '../../shared/errors';
import { benchSummary } from '../bench/bench-results';
import { loopConfigSchema } from '../../shared/loop-config';
import { recordedConfig } from '../runs/run-config';
import { exportFile } from '../runs/run-export';
import { replayPlan } from '../runs/run-trust';
import type { HandlerDeps, Handlers } from './handlers';

export function historyHandlers({ store, lifecycle }: HandlerDeps) {
  return {
    // Listing is an indexed read of one page (a few milliseconds on a million events); a search over a
    // big log runs on the store's worker thread, so the UI's other requests and live runs go on meanwhile.
    'runs.list': (input) => store.listRuns(input),
    'runs.get': ({ runId }) => ({
      summary: store.requireRun(runId),
      events: store.loadEvents(runId, { blobs: 'ref' }),
    }),
    'runs.search': ({ query, limit }) => store.searchInBackground(query, limit),
    'blobs.get': ({ hash }) => ({ hash, text: store.readBlob(hash) }),
    'replays.plan': ({ runId }) => {
      store.requireRun(runId);
      return replayPlan({ store }, runId, recordedConfig(store.loadEvents(runId)) ?? loopConfigSchema.parse({}));
    },
    'benches.list': () => store.benches.list().map((record) => benchSummary(record, (runId) => store.getRun(runId))),
    'benches.get': ({ benchId }) => {
      const record = store.benches.get(benchId);
      if (record === undefined) throw new AppError('not_found', `There is no bench ${benchId}.`);
      return benchSummary(record, (runId) => store.getRun(runId));
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
    'runs.delete': ({ runIds }) => {
      const { deleted, gc } = lifecycle.deleteRuns(runIds);
      return { deleted, freedBlobs: gc.blobs, freedBytes: gc.bytes };
    },
  } satisfies Partial<Handlers>;
}
