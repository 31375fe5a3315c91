// Load: a data folder holding 1,000,000 events (2,000 runs of realistic sizes, written by the batched
// append), opened by the app, with eight runs streaming at once from one fake Ollama (in its own
// process) and calling tools on this machine. Measures what a person feels: listing runs and searching
// through the real request handlers, the main process's memory, and event-loop lag. Each figure is
// printed beside the same measure on a 10k-event folder, or with no runs going.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { dispatch } from '../src/main/api/handlers';
import { createApp, type App } from '../src/main/app';
import type { EventStore } from '../src/main/store/event-store';
import { openStore } from '../src/main/store/open-store';
import type { EventDraft } from '../src/shared/events';
import { makeTempHome, type TempHome } from '../tests/helpers/temp-home';
import { report, time } from './report';

const EVENTS_PER_RUN = 500;
const LIVE_RUNS = 8;
const queries = ['gradient checkpoint', 'tokenizer', 'macro f1', 'overfit warmup', 'learning rate', 'zebra'];
const vocabulary = (
  'tokenizer gradient checkpoint overfit learning rate warmup epoch batch eval loss accuracy dataset split ' +
  'validation baseline transformer lora adapter quantize sklearn pandas numpy csv parquet tfidf logistic ' +
  'regression precision recall confusion matrix scheduler optimizer adamw dropout embedding attention'
).split(' ');

function sentence(seed: number, words: number): string {
  return Array.from({ length: words }, (_, index) => vocabulary[(seed * 31 + index * 17) % vocabulary.length]).join(
    ' ',
  );
}

/** One step of a run: a model call that asks for a command, and the command's output (~1 KB; 1 in 5,000 over 8 KiB). */
function stepDrafts(run: number, step: number): EventDraft[] {
  const n = run * 1_000 + step;
  const callId = `call_${step}`;
  const command = `python3 train.py --epochs ${step % 7} --lr 0.00${step % 9} # ${sentence(n, 6)}`;
  const lines = n % 5_000 === 0 ? 400 : 12;
  const output = Array.from({ length: lines }, (_, line) => `epoch ${line} ${sentence(n + line, 10)} loss=0.${n % 97}`);
  return [
    { type: 'model.started', payload: { callId: `model_${step}`, model: 'ollama/qwen2.5-coder:7b' } },
    {
      type: 'model.finished',
      payload: {
        callId: `model_${step}`,
        text: `${sentence(n, 40)}. Next I run the training script again with a lower learning rate.`,
        finishReason: 'tool_calls',
        usage: { inputTokens: 1_500 + step * 40, outputTokens: 80, cost: 0 },
        toolCalls: [{ id: callId, name: 'bash', args: { command } }],
      },
    },
    { type: 'tool.started', payload: { callId, tool: 'bash', args: { command } } },
    { type: 'tool.finished', payload: { callId, output: output.join('\n'), isError: false } },
  ];
}

/**
 * Writes `runs` finished runs of EVENTS_PER_RUN events each, one batched append per run, a hundred runs
 * to a commit (an import's pace; a live run commits each of its own batches).
 */
function fill(home: TempHome, runs: number): { appendMs: number; indexMs: number } {
  const { store, db, close } = openStore(home.paths);
  const start = Date.now() - runs * 60_000;
  const appendMs = time(() => {
    for (let first = 0; first < runs; first += 100)
      db.transaction(() => fillRuns(store, first, Math.min(runs, first + 100), start))();
  });
  // A search first catches the full-text index up on everything appended.
  const indexMs = time(() => store.search('tokenizer'));
  close();
  return { appendMs, indexMs };
}

function fillRuns(store: EventStore, from: number, to: number, start: number): void {
  for (let run = from; run < to; run++) {
    const created = store.createRun(
      { goal: `Run ${run}: ${sentence(run, 12)}`, model: 'ollama/qwen2.5-coder:7b', origin: 'new' },
      start + run * 60_000,
    );
    const drafts: EventDraft[] = [{ type: 'run.status', payload: { status: 'running' } }];
    for (let step = 0; drafts.length < EVENTS_PER_RUN - 2; step++) drafts.push(...stepDrafts(run, step));
    drafts.push({ type: 'run.status', payload: { status: 'finished' } });
    store.append(created.runId, drafts);
  }
}

interface Latencies {
  p50: number;
  p95: number;
  /** CPU time per call, user + system: the work itself, whatever else the machine is doing. */
  cpu: number;
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}

async function latency(rounds: number, call: (round: number) => Promise<unknown>): Promise<Latencies> {
  const values: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    const result = (await call(round)) as { ok: boolean; error?: unknown };
    values.push(performance.now() - start);
    if (!result.ok) throw new Error(`request failed: ${JSON.stringify(result.error)}`);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { p50: percentile(values, 0.5), p95: percentile(values, 0.95), cpu: (cpu.user + cpu.system) / 1000 / rounds };
}

const listRuns = (app: App) => () => dispatch(app.handlers, 'runs.list', {});
const search = (app: App) => (round: number) =>
  dispatch(app.handlers, 'runs.search', { query: queries[round % queries.length] });

async function lagOver(ms: number): Promise<{ p50: number; p99: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6 };
}

function memory(): { rss: number; heap: number } {
  const usage = process.memoryUsage();
  return { rss: usage.rss / 2 ** 20, heap: usage.heapUsed / 2 ** 20 };
}

async function startModelServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load-model-server.ts'), '12'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fake model server exited (${code})`)));
  });
  return { url, stop: () => child.kill() };
}

/** Approves each call a rule asks about (commands on this machine ask first), as a person would. */
function approveAll(app: App): void {
  app.store.subscribe(({ run, events }) => {
    for (const event of events) {
      if (event.type !== 'approval.requested') continue;
      const decide = (tries: number) => {
        try {
          app.runs.decide(run.id, event.payload.callId, { decision: 'approved' });
        } catch (error) {
          if (tries === 0) throw error;
          setTimeout(() => decide(tries - 1), 5);
        }
      };
      setImmediate(() => decide(100));
    }
  });
}

interface UnderLoad {
  list: Omit<Latencies, 'cpu'>;
  search: Omit<Latencies, 'cpu'>;
  lag: { p50: number; p99: number };
  peak: { rss: number; heap: number };
  events: number;
  wallMs: number;
}

async function eightRuns(app: App): Promise<UnderLoad> {
  const listTimes: number[] = [];
  const searchTimes: number[] = [];
  const peak = memory();
  let events = 0;
  app.store.subscribe((batch) => (events += batch.events.length));
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const start = performance.now();
  const started = await Promise.all(
    Array.from({ length: LIVE_RUNS }, (_, index) =>
      dispatch(app.handlers, 'runs.start', {
        goal: `Live run ${index}: tune the learning rate`,
        model: 'ollama/qwen2.5-coder:7b',
        runtime: 'host',
      }),
    ),
  );
  const ids = started.map((result) => {
    if (!result.ok) throw new Error(`runs.start failed: ${JSON.stringify(result.error)}`);
    return (result.value as { id: string }).id;
  });
  const done = Promise.all(ids.map((id) => app.runs.settled(id)));
  let finished = false;
  void done.then(() => (finished = true));
  let failures = 0;
  const timeIfAnswered = async (call: () => Promise<unknown>, into: number[]) => {
    const result = await timed(call);
    if (result === undefined) failures += 1;
    else into.push(result);
  };
  for (let round = 0; !finished; round++) {
    await timeIfAnswered(listRuns(app), listTimes);
    await timeIfAnswered(() => search(app)(round), searchTimes);
    const now = memory();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heap = Math.max(peak.heap, now.heap);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const outcomes = await done;
  const wallMs = performance.now() - start;
  histogram.disable();
  const unfinished = outcomes.filter((outcome) => outcome?.status !== 'finished');
  if (unfinished.length > 0) throw new Error(`runs did not finish: ${JSON.stringify(unfinished)}`);
  // A failed call answers fast: counting it would flatter the figures, so the bench stops instead.
  if (failures > 0) throw new Error(`${failures} runs.list / runs.search calls failed during the live runs`);
  return {
    list: { p50: percentile(listTimes, 0.5), p95: percentile(listTimes, 0.95) },
    search: { p50: percentile(searchTimes, 0.5), p95: percentile(searchTimes, 0.95) },
    lag: { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6 },
    peak,
    events,
    wallMs,
  };
}

/** How long a call took, or undefined when it answered with an error. */
async function timed(call: () => Promise<unknown>): Promise<number | undefined> {
  const start = performance.now();
  const result = (await call()) as { ok: boolean };
  const elapsed = performance.now() - start;
  return result.ok ? elapsed : undefined;
}

export async function benchLoad(): Promise<void> {
  // LOOPLAB_LOAD_EVENTS makes a smaller store for a quick look; the figures reported are for 1M.
  const total = Number(process.env.LOOPLAB_LOAD_EVENTS ?? 1_000_000);
  const small = makeTempHome('looplab-bench-load-');
  const large = makeTempHome('looplab-bench-load-');
  const model = await startModelServer();
  const previousHost = process.env.OLLAMA_HOST;
  process.env.OLLAMA_HOST = model.url;
  try {
    fill(small, 10_000 / EVENTS_PER_RUN);
    const built = fill(large, total / EVENTS_PER_RUN);
    report(
      `build a ${total.toLocaleString('en-US')}-event store (batched append)`,
      total / (built.appendMs / 1000),
      'events/s',
      {
        label: 'full-text indexing of the same events',
        value: total / (built.indexMs / 1000),
      },
    );

    const smallApp = createApp({ home: small.paths.root, ui: 'web' });
    const baseList = await latency(100, listRuns(smallApp));
    const baseSearch = await latency(60, search(smallApp));
    smallApp.close();

    const app = createApp({ home: large.paths.root, ui: 'web' });
    approveAll(app);
    const list = await latency(100, listRuns(app));
    const searched = await latency(60, search(app));
    const idleLag = await lagOver(2_000);
    const idle = memory();
    const load = await eightRuns(app);
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = memory();
    await app.shutdown();

    const at1m = '10k-event store';
    report('runs.list p50, 1M-event store', list.p50, 'ms', { label: at1m, value: baseList.p50 });
    report('runs.list p95, 1M-event store', list.p95, 'ms', { label: at1m, value: baseList.p95 }, under(50));
    report('runs.search p50, 1M-event store', searched.p50, 'ms', { label: at1m, value: baseSearch.p50 });
    report('runs.search p95, 1M-event store', searched.p95, 'ms', { label: at1m, value: baseSearch.p95 }, under(100));
    report('runs.list CPU per call, 1M-event store', list.cpu, 'ms', { label: at1m, value: baseList.cpu });
    report('runs.search CPU per call, 1M-event store', searched.cpu, 'ms', { label: at1m, value: baseSearch.cpu });
    const idleLabel = '1M store open, no runs';
    report(
      `runs.list p95 during ${LIVE_RUNS} live runs`,
      load.list.p95,
      'ms',
      { label: idleLabel, value: list.p95 },
      under(50),
    );
    report(
      `runs.search p95 during ${LIVE_RUNS} live runs`,
      load.search.p95,
      'ms',
      { label: idleLabel, value: searched.p95 },
      under(100),
    );
    report(`event-loop lag p50 during ${LIVE_RUNS} live runs`, load.lag.p50, 'ms', {
      label: idleLabel,
      value: idleLag.p50,
    });
    report(`event-loop lag p99 during ${LIVE_RUNS} live runs`, load.lag.p99, 'ms', {
      label: idleLabel,
      value: idleLag.p99,
    });
    report(`RSS peak during ${LIVE_RUNS} live runs`, load.peak.rss, 'MiB', { label: idleLabel, value: idle.rss });
    report(`heap peak during ${LIVE_RUNS} live runs`, load.peak.heap, 'MiB', { label: idleLabel, value: idle.heap });
    report('RSS after the runs ended', after.rss, 'MiB', { label: idleLabel, value: idle.rss });
    report('heap after the runs ended', after.heap, 'MiB', { label: idleLabel, value: idle.heap });
    report(`events recorded by ${LIVE_RUNS} live runs`, load.events / (load.wallMs / 1000), 'events/s', {
      label: 'wall time of all of them, s',
      value: load.wallMs / 1000,
    });
  } finally {
    if (previousHost === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = previousHost;
    model.stop();
    small.remove();
    large.remove();
  }
}

function under(ms: number) {
  return { target: `< ${ms} ms`, met: (value: number) => value < ms };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLoad();
