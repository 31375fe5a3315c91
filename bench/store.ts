// Store benchmarks: append rate (batched vs one transaction per event), loading a 10k-event run,
// and a full-text query over 100k events. Each figure is printed beside its baseline from this run.
import type { EventDraft } from '../src/shared/events';
import { openStore } from '../src/main/store/open-store';
import { makeTempHome } from '../tests/helpers/temp-home';
import { report, time } from './report';

const words = [
  'tokenizer',
  'gradient',
  'checkpoint',
  'overfit',
  'learning',
  'rate',
  'warmup',
  'epoch',
  'batch',
  'eval',
];

function drafts(count: number, offset = 0): EventDraft[] {
  return Array.from({ length: count }, (_, index) => {
    const n = offset + index;
    return {
      type: 'tool.finished',
      payload: {
        callId: `call_${n}`,
        output: `step ${n}: ${words[n % words.length]} ${words[(n * 7) % words.length]} loss=${(1 / (n + 1)).toFixed(5)}`,
        isError: false,
      },
    };
  });
}

interface AppendFigures {
  appendPerSecond: number;
  /** The full-text index catching up on the same events afterwards (what a search forces). */
  indexPerSecond: number;
}

function appendRate(total: number, batchSize: number): AppendFigures {
  const home = makeTempHome('looplab-bench-');
  const { store, close } = openStore(home.paths);
  const runId = store.createRun({ goal: 'bench', model: 'bench/none', origin: 'new' }).runId;
  const appendMs = time(() => {
    for (let offset = 0; offset < total; offset += batchSize) {
      store.append(runId, drafts(Math.min(batchSize, total - offset), offset));
    }
  });
  const indexMs = time(() => store.search('gradient'));
  close();
  home.remove();
  return { appendPerSecond: total / (appendMs / 1000), indexPerSecond: total / (indexMs / 1000) };
}

export function benchStore(): void {
  const total = 100_000;
  // One transaction per event costs an fsync each: measured over fewer events so the run stays short.
  const perEventCount = 5_000;
  appendRate(20_000, 1_000); // warm-up: JIT and page cache, not reported
  const batched = appendRate(total, 1_000);
  const perEvent = appendRate(perEventCount, 1);
  report(
    'store append, 100k events (batches of 1,000)',
    batched.appendPerSecond,
    'events/s',
    {
      label: `one transaction per event (${perEventCount.toLocaleString('en-US')} events)`,
      value: perEvent.appendPerSecond,
    },
    { target: '≥ 200,000 events/s', met: (value) => value >= 200_000 },
  );
  report('search index catching up on those 100k events', batched.indexPerSecond, 'events/s', {
    label: 'batched append of the same events',
    value: batched.appendPerSecond,
  });

  const home = makeTempHome('looplab-bench-');
  const { store, close } = openStore(home.paths);
  const runId = store.createRun({ goal: 'load me', model: 'bench/none', origin: 'new' }).runId;
  store.append(runId, drafts(9_999));
  const filler = store.createRun({ goal: 'filler', model: 'bench/none', origin: 'new' }).runId;
  for (let offset = 0; offset < total; offset += 1_000) store.append(filler, drafts(1_000, offset));

  const load = median(5, () => time(() => store.loadEvents(runId)));
  const rawRead = median(5, () => time(() => store.loadEvents(runId, { blobs: 'ref' })));
  report(
    'load a 10k-event run',
    load,
    'ms',
    { label: 'same rows without blob resolution', value: rawRead },
    {
      target: '≤ 50 ms',
      met: (value) => value <= 50,
    },
  );

  let hits = 0;
  const search = median(5, () => time(() => (hits = store.search('gradient epoch', 50).length)));
  const scan = median(3, () =>
    time(
      () =>
        store
          .loadEvents(filler, { blobs: 'ref' })
          .filter((event) => JSON.stringify(event.payload).includes('gradient epoch')).length,
    ),
  );
  report(`FTS query over 110k events (${hits} hits shown)`, search, 'ms', {
    label: 'full scan of the same events',
    value: scan,
  });
  close();
  home.remove();
}

function median(runs: number, measure: () => number): number {
  const values = Array.from({ length: runs }, measure).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}
